package dev.pyro.engine.workspace.shell;

import java.util.ArrayList;
import java.util.List;

/**
 * Chat-friendly rendering of raw terminal output (spec §12.5): a tiny line editor that drops escape
 * sequences (but honours erase-line and clear-screen), applies carriage returns and backspaces, and
 * keeps tabs and printable characters.
 */
public final class PlainRenderer {

    private static final char ESC = 0x1b;
    private static final char BEL = 0x07;

    private PlainRenderer() {
    }

    public static String render(String raw) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int cursor = 0;
        int i = 0;
        int n = raw.length();
        while (i < n) {
            char c = raw.charAt(i);
            if (c == ESC) {
                if (i + 1 >= n) {
                    break;
                }
                char next = raw.charAt(i + 1);
                if (next == '[') {
                    int j = i + 2;
                    while (j < n && (raw.charAt(j) < 0x40 || raw.charAt(j) > 0x7e)) {
                        j++;
                    }
                    if (j >= n) {
                        break; // unterminated: the rest is consumed
                    }
                    String params = raw.substring(i + 2, j);
                    char fin = raw.charAt(j);
                    if (fin == 'K') {
                        if (params.isEmpty() || params.equals("0")) {
                            line.setLength(Math.min(cursor, line.length()));
                        } else if (params.equals("1")) {
                            for (int k = 0; k < Math.min(cursor, line.length()); k++) {
                                line.setCharAt(k, ' ');
                            }
                        } else if (params.equals("2")) {
                            line.setLength(0);
                            cursor = 0;
                        }
                    } else if (fin == 'J' && (params.equals("2") || params.equals("3"))) {
                        lines.clear();
                        line.setLength(0);
                        cursor = 0;
                    }
                    i = j + 1;
                } else if (next == ']' || next == 'P' || next == '_' || next == '^') {
                    int j = i + 2;
                    while (j < n && raw.charAt(j) != BEL && !(raw.charAt(j) == ESC && j + 1 < n && raw.charAt(j + 1) == '\\')) {
                        j++;
                    }
                    i = j >= n ? n : raw.charAt(j) == BEL ? j + 1 : j + 2;
                } else if (next == 'O') {
                    i += 3;
                } else {
                    i += 2;
                }
                continue;
            }
            if (c == '\r') {
                cursor = 0;
            } else if (c == '\n') {
                lines.add(line.toString());
                line.setLength(0);
                cursor = 0;
            } else if (c == '\b') {
                if (cursor > 0) {
                    cursor--;
                    if (cursor < line.length()) {
                        line.deleteCharAt(cursor);
                    }
                }
            } else if (c == '\t' || (c >= 32 && c != 127)) {
                if (cursor < line.length()) {
                    line.setCharAt(cursor, c);
                } else {
                    line.append(c);
                }
                cursor++;
            }
            i++;
        }
        boolean endedWithNewline = raw.endsWith("\n");
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        String text = String.join("\n", lines);
        return endedWithNewline ? text + "\n" : text;
    }
}
