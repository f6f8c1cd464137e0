package dev.pyro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The CLI registers only the branch its arguments name, and the whole tree wherever usage needs it. */
class CommandTreeTest {

    @Test
    void aLeafCommandGetsOnlyItsBranch() {
        CommandLine root = CommandTree.build(new PyroCli(), "workspace", "exec", "ID", "--", "workspace", "--help");
        assertThat(root.getSubcommands()).containsOnlyKeys("workspace");
        CommandLine workspace = root.getSubcommands().get("workspace");
        assertThat(workspace.getSubcommands()).containsOnlyKeys("exec");
        assertThat(workspace.getSubcommands().get("exec").getCommandSpec().qualifiedName()).isEqualTo("pyro workspace exec");
    }

    @Test
    void noArgumentsHelpOrATypoGetTheWholeLevel() {
        assertThat(CommandTree.build(new PyroCli()).getSubcommands())
                .containsOnlyKeys("demo", "doctor", "prepare", "env", "run", "workspace", "mcp", "host");
        assertThat(CommandTree.build(new PyroCli(), "--help").getSubcommands()).hasSize(8);
        assertThat(CommandTree.build(new PyroCli(), "worksapce").getSubcommands()).hasSize(8);
        CommandLine workspace = CommandTree.build(new PyroCli(), "workspace", "-h").getSubcommands().get("workspace");
        assertThat(workspace.getSubcommands()).hasSize(20).containsKeys("create", "exec", "shell", "disk");
        assertThat(CommandTree.build(new PyroCli(), "workspace", "shell").getSubcommands().get("workspace")
                .getSubcommands().get("shell").getSubcommands())
                .containsOnlyKeys("open", "read", "write", "signal", "close");
    }

    @Test
    void versionNeedsNoSubcommands() {
        assertThat(CommandTree.build(new PyroCli(), "--version").getSubcommands()).isEmpty();
    }

    @Test
    void usageOfAGroupIsTheSameAsFromTheWholeTree() {
        CommandLine pruned = CommandTree.build(new PyroCli(), "workspace", "--help").getSubcommands().get("workspace");
        CommandLine whole = CommandTree.build(new PyroCli()).getSubcommands().get("workspace");
        assertThat(usage(pruned)).isEqualTo(usage(whole)).contains("Usage: pyro workspace", "  exec ", "  disk ");
        assertThat(usage(CommandTree.build(new PyroCli(), "--help")))
                .isEqualTo(usage(CommandTree.build(new PyroCli()))).contains("  workspace ", "  host ");
    }

    private static String usage(CommandLine line) {
        StringWriter out = new StringWriter();
        line.usage(new PrintWriter(out));
        return out.toString();
    }
}
