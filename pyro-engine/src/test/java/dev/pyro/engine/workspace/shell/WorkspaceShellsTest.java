package dev.pyro.engine.workspace.shell;

import dev.pyro.api.workspace.shell.ShellInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.engine.workspace.GvisorManager;
import dev.pyro.engine.workspace.WorkspaceManager;
import dev.pyro.test.SandboxTest;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PTY shells on a real gVisor workspace, driving an interactive program. */
@SandboxTest
class WorkspaceShellsTest {

    GvisorManager gvisor;
    WorkspaceManager manager;
    WorkspaceShells shells;
    String id;

    @BeforeEach
    void setUp() throws Exception {
        gvisor = GvisorManager.open("pyro-shells-", 4);
        manager = gvisor.manager;
        shells = new WorkspaceShells(manager.context());
        id = gvisor.create();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (gvisor != null) {
            gvisor.close();
        }
    }

    String readAll(String shellId) {
        return shells.read(id, shellId, 0, 65536, true, 400).output();
    }

    /** Reads until {@code text} shows up (a loaded machine can be slower than one idle wait), at most 15 s. */
    String readUntil(String shellId, String text) {
        long deadline = System.nanoTime() + 15_000_000_000L;
        String output = readAll(shellId);
        while (!output.contains(text) && System.nanoTime() < deadline) {
            output = readAll(shellId);
        }
        return output;
    }

    @Test
    void aShellDrivesAnInteractiveProgram() {
        ShellInfo shell = shells.open(id, null, 100, 20, Map.of());
        assertThat(shell.state()).isEqualTo("running");
        assertThat(shell.cwd()).isEqualTo("/workspace");
        String sid = shell.shellId();
        shells.write(id, sid, "stty size; read -p 'name? ' who; echo \"hello $who\"", true);
        shells.read(id, sid, 0, 65536, true, 400);
        shells.write(id, sid, "pyro", true);
        String output = readUntil(sid, "hello pyro");
        assertThat(output).contains("20 100").contains("name? pyro").contains("hello pyro");

        int cursor = shells.read(id, sid, 0, 65536, false, null).nextCursor();
        shells.write(id, sid, "sleep 300", true);
        shells.signal(id, sid, "INT");
        shells.write(id, sid, "echo after-interrupt", true);
        readUntil(sid, "after-interrupt");
        ShellInfo after = shells.read(id, sid, cursor, 65536, true, 400);
        assertThat(after.cursor()).isEqualTo(cursor);
        assertThat(after.output()).contains("after-interrupt");
        assertThat(after.output()).doesNotContain("hello pyro"); // the cursor skipped earlier output

        assertThatThrownBy(() -> shells.signal(id, sid, "USR1"))
                .hasMessage("signal_name must be one of: HUP, INT, TERM, KILL");
        ShellInfo closed = shells.close(id, sid);
        assertThat(closed.closed()).isTrue();
        assertThatThrownBy(() -> shells.read(id, sid, 0, 10, false, null))
                .hasMessage("shell '" + sid + "' does not exist in workspace '" + id + "'");
    }

    @Test
    void severalShellsAtOnceAndAnExitedShellTakesNoInput() {
        String a = shells.open(id, null, 80, 24, Map.of()).shellId();
        String b = shells.open(id, null, 80, 24, Map.of()).shellId();
        shells.write(id, a, "echo from-a", true);
        shells.write(id, b, "echo from-b", true);
        assertThat(readAll(a)).contains("from-a").doesNotContain("from-b");
        assertThat(readAll(b)).contains("from-b").doesNotContain("from-a");
        shells.write(id, b, "exit 3", true);
        long deadline = System.currentTimeMillis() + 10_000;
        while (shells.read(id, b, 0, 10, false, null).state().equals("running") && System.currentTimeMillis() < deadline) {
            Thread.onSpinWait();
        }
        ShellInfo exited = shells.read(id, b, 0, 10, false, null);
        assertThat(exited.state()).isEqualTo("stopped");
        assertThat(exited.exitCode()).isEqualTo(3);
        assertThatThrownBy(() -> shells.write(id, b, "echo x", true)).hasMessage("shell " + b + " is not running");
        assertThatThrownBy(() -> shells.open(id, "../etc", 80, 24, Map.of()))
                .hasMessage("cwd must stay inside /workspace");
        assertThatThrownBy(() -> shells.open(id, null, 0, 24, Map.of())).hasMessage("cols must be positive");
        manager.stop(id); // shells end with the sandbox
        manager.start(id);
        assertThatThrownBy(() -> shells.read(id, a, 0, 10, false, null))
                .hasMessageContaining("does not exist in workspace");
    }
}
