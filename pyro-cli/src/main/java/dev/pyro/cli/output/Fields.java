package dev.pyro.cli.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Human output as aligned {@code Label: value} lines. */
public final class Fields {

    private final List<String[]> rows = new ArrayList<>();

    public Fields add(String label, Object value) {
        // one line per field: a stored value with a newline or ESC must not forge lines or drive the terminal
        rows.add(new String[] {label, value == null ? "-" : Printable.of(value)});
        return this;
    }

    public void print(PrintWriter out) {
        int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0) + 1;
        for (String[] row : rows) {
            out.println(String.format("%-" + width + "s %s", row[0] + ":", row[1]));
        }
        out.flush();
    }

    public static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }
}
