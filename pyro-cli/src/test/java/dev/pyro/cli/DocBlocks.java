package dev.pyro.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shell commands of a Markdown file: every line of a {@code bash}/{@code sh}/{@code shell}
 * fence that is not blank or a comment (a trailing {@code \} joins the next line), and every
 * {@code $ } line of a {@code console} fence (the other lines there are output).
 */
final class DocBlocks {

    private static final Set<String> SCRIPT_LANGUAGES = Set.of("bash", "sh", "shell");
    private static final Pattern FENCE = Pattern.compile("^```\\s*([\\w-]*).*$");
    private static final Pattern NOT_RUN = Pattern.compile("^<!--\\s*not-run:(.*)-->\\s*$");
    // "# exit 1: ..." after a command: the exit code the doc promises (a reproduced failure).
    private static final Pattern EXPECTED_EXIT = Pattern.compile("#\\s*exit\\s+(\\d+)\\b");

    /**
     * One command of a doc; {@code line} is 1-based, {@code block} counts fences from 0; {@code output}
     * is what a console transcript shows under it (empty for scripts).
     */
    record Command(Path doc, int line, int block, String text, int expectedExit, List<String> output) {
    }

    /** A runnable fence; {@code notRunReason} is the reason of a preceding not-run marker, or null. */
    record Block(Path doc, int line, int index, String language, String notRunReason, List<Command> commands) {
    }

    private DocBlocks() {
    }

    static List<Block> parse(Path doc) throws IOException {
        List<String> lines = Files.readAllLines(doc);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher open = FENCE.matcher(lines.get(i));
            if (!open.matches()) {
                continue;
            }
            int end = i + 1;
            while (end < lines.size() && !lines.get(end).startsWith("```")) {
                end++;
            }
            String language = open.group(1);
            boolean console = language.equals("console");
            if (console || SCRIPT_LANGUAGES.contains(language)) {
                int index = blocks.size();
                List<Command> commands = commands(doc, lines, i + 1, end, index, console);
                blocks.add(new Block(doc, i + 1, index, language, notRunReason(doc, lines, i), commands));
            }
            i = end;
        }
        return blocks;
    }

    private static List<Command> commands(Path doc, List<String> lines, int from, int to, int block, boolean console) {
        List<Command> commands = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String line = lines.get(i);
            if (console) {
                if (!line.startsWith("$ ")) {
                    continue;
                }
                line = line.substring(2);
            } else if (line.isBlank() || line.strip().startsWith("#")) {
                continue;
            }
            int start = i;
            StringBuilder text = new StringBuilder(line);
            while (text.toString().endsWith("\\") && i + 1 < to) {
                text.append('\n').append(lines.get(++i));
            }
            Matcher exit = EXPECTED_EXIT.matcher(text);
            int expected = exit.find() ? Integer.parseInt(exit.group(1)) : 0;
            List<String> output = new ArrayList<>();
            while (console && i + 1 < to && !lines.get(i + 1).startsWith("$ ")) {
                output.add(lines.get(++i));
            }
            commands.add(new Command(doc, start + 1, block, text.toString(), expected, List.copyOf(output)));
        }
        return List.copyOf(commands);
    }

    /** The reason of a {@code <!-- not-run: reason -->} on the last non-blank line before the fence. */
    private static String notRunReason(Path doc, List<String> lines, int fence) {
        for (int i = fence - 1; i >= 0; i--) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            Matcher marker = NOT_RUN.matcher(lines.get(i).strip());
            if (!marker.matches()) {
                return null;
            }
            String reason = marker.group(1).strip();
            if (reason.isEmpty()) {
                throw new AssertionError(doc + ":" + (i + 1) + ": a not-run marker needs a reason: <!-- not-run: why -->");
            }
            return reason;
        }
        return null;
    }
}
