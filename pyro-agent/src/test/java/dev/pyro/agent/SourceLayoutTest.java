package dev.pyro.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The layering of the C sources (issue 3/8): operations depend on the request helpers and the
 * transport, never on the dispatcher; the transport parses no JSON. Checked over the #include
 * lines, transitively, so a shortcut through a header fails too.
 */
class SourceLayoutTest {
    private static final Path SRC = Path.of("src/main/c");
    private static final Pattern INCLUDE = Pattern.compile("^#include\\s+([\"<])([^\">]+)[\">]", Pattern.MULTILINE);

    @Test
    void operationsAndHelpersDoNotDependOnTheDispatcher() throws IOException {
        for (String file : new String[] {"fs.c", "proc.c", "request.c"}) {
            assertThat(includes(file)).as(file).doesNotContain("dispatch.h");
        }
    }

    @Test
    void transportParsesNoJson() throws IOException {
        assertThat(includes("transport.c")).doesNotContain("request.h", "ops.h", "<jansson.h>");
        assertThat(includes("transport.h")).doesNotContain("<jansson.h>");
        assertThat(includes("dispatch.h")).doesNotContain("<jansson.h>");
    }

    @Test
    void initSharesOnlyTheCommonHelpers() throws IOException {
        assertThat(includes("init.c").stream().filter(s -> !s.startsWith("<"))).containsExactly("common.h");
    }

    /** Every header reached from file: local ones by name, system ones as {@code <name>}. */
    private static Set<String> includes(String file) throws IOException {
        Set<String> seen = new TreeSet<>();
        Deque<String> todo = new ArrayDeque<>();
        todo.push(file);
        while (!todo.isEmpty()) {
            Matcher m = INCLUDE.matcher(Files.readString(SRC.resolve(todo.pop())));
            while (m.find()) {
                boolean local = m.group(1).equals("\"");
                String name = local ? m.group(2) : "<" + m.group(2) + ">";
                if (seen.add(name) && local) todo.push(name);
            }
        }
        return seen;
    }
}
