package dev.pyro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.sdk.Pyro;
import dev.pyro.mcp.McpSurface;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code docs/contract.md} names every CLI command, every public SDK method and every MCP tool. */
class ContractDocTest {

    private static final Path DOC = Path.of("..", "docs", "contract.md");

    @Test
    void everyCliCommandIsInTheContract() throws Exception {
        String doc = Files.readString(DOC);
        List<String> missing = new ArrayList<>();
        leaves(CommandTree.build(new PyroCli()), "pyro", missing, doc);
        assertThat(missing).as("CLI commands missing from docs/contract.md").isEmpty();
    }

    @Test
    void everySdkMethodAndMcpToolIsInTheContract() throws Exception {
        String doc = Files.readString(DOC);
        TreeSet<String> methods = new TreeSet<>();
        for (Method m : Pyro.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && !m.isSynthetic()) {
                methods.add(m.getName());
            }
        }
        assertThat(methods.stream().filter(m -> !doc.contains("`" + m + "`")).toList())
                .as("SDK methods missing from docs/contract.md").isEmpty();
        TreeSet<String> tools = new TreeSet<>();
        Arrays.stream(McpSurface.values()).forEach(s -> tools.addAll(s.tools()));
        assertThat(tools.stream().filter(t -> !doc.contains("`" + t + "`")).toList())
                .as("MCP tools missing from docs/contract.md").isEmpty();
        Arrays.stream(McpSurface.values()).forEach(s -> assertThat(doc).contains("`" + s.id() + "`"));
    }

    private static void leaves(CommandLine cmd, String path, List<String> missing, String doc) {
        var subs = cmd.getSubcommands();
        if (subs.isEmpty()) {
            if (!doc.contains("`" + path + " ") && !doc.contains("`" + path + "`")) {
                missing.add(path);
            }
            return;
        }
        subs.forEach((name, sub) -> {
            if (!name.equals("help")) {
                leaves(sub, path + " " + name, missing, doc);
            }
        });
    }
}
