package dev.pyro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.cli.output.Fields;
import dev.pyro.cli.output.Printable;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Input the CLI refuses with a clear line before anything happens: names and labels with control
 * characters (shown escaped in human output when an older record holds them: a newline forged list
 * rows, an ESC drove the terminal), and a file write over the spec's size (it met the engine's
 * request limit and came back as "engine did not take the request" after retries).
 */
class CliInputLimitsTest {

    @RegisterExtension
    final IsolatedCli cli = IsolatedCli.withDefaults();

    @Test
    void controlCharactersAreEscapedInHumanOutput() {
        assertThat(Printable.of("a\nb\u001b[2Jc\td\u202e\u0007\\")).isEqualTo("a\\nb\\e[2Jc\\td\\u202e\\u0007\\");
        assertThat(Printable.of("plain – ✓")).isEqualTo("plain – ✓");
        StringWriter text = new StringWriter();
        new Fields().add("Name", "x\nState: forged").print(new PrintWriter(text));
        assertThat(text.toString()).isEqualTo("Name: x\\nState: forged\n");
    }

    @Test
    void theCliRefusesControlCharactersInNamesAndLabels() throws Exception {
        CliProcess.Result name = cli.run("workspace", "create", "debian:12", "--name", "x\u001b[2J\nfake");
        assertThat(name.exitCode()).as(name.stderr()).isEqualTo(2);
        assertThat(name.stderr()).isEqualTo("error: name must be a single line of printable text (no newline, tab, "
                + "ESC or other control characters)\n");
        CliProcess.Result label = cli.run("workspace", "create", "debian:12", "--label", "k=v\u001b[31m");
        assertThat(label.exitCode()).isEqualTo(2);
        assertThat(label.stderr()).contains("label 'k' value must be printable text");
        assertThat(cli.tmp.resolve("state/workspaces")).satisfiesAnyOf(
                p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
    }

    @Test
    void aFileWriteOverTheLimitGetsTheSpecsSizeErrorAtOnce() throws Exception {
        Path big = cli.tmp.resolve("big.txt");
        java.nio.file.Files.writeString(big, "x".repeat(5 * 1024 * 1024));
        CliProcess.Result r = cli.run("workspace", "file", "write", "0123456789ab", "big.txt", "--text-file",
                big.toString());
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(2);
        assertThat(r.stderr()).isEqualTo("error: text must be at most 1048576 bytes when encoded as UTF-8\n");
        // "at once": refused before it is sent, so no engine ever saw the write (it used to be sent and
        // dropped, then retried five times); checked by what the engine logged, not by a clock
        Path log = cli.tmp.resolve("state/engine.log");
        if (java.nio.file.Files.exists(log)) {
            assertThat(java.nio.file.Files.readString(log)).doesNotContain("write_workspace_file");
        }
    }
}
