package dev.pyro.engine.workspace;

import dev.pyro.api.workspace.Snapshot;
import dev.pyro.api.workspace.SnapshotCreated;
import dev.pyro.api.OutputListener;
import dev.pyro.api.workspace.WorkspaceInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.Progress;
import dev.pyro.api.workspace.service.Readiness;
import dev.pyro.api.workspace.service.ServiceInfo;
import dev.pyro.engine.workspace.service.WorkspaceServices;
import dev.pyro.engine.workspace.shell.WorkspaceShells;
import dev.pyro.test.SandboxTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Named snapshots and reset to them, on a real gVisor workspace. */
@SandboxTest
class WorkspaceSnapshotsTest {

    GvisorManager gvisor;
    WorkspaceManager manager;
    WorkspaceSnapshots snapshots;
    WorkspaceFiles files;
    String id;

    @BeforeEach
    void setUp() throws Exception {
        gvisor = GvisorManager.open("pyro-snap-", 4);
        manager = gvisor.manager;
        snapshots = new WorkspaceSnapshots(manager.context());
        files = new WorkspaceFiles(manager.context());
        id = gvisor.create();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (gvisor != null) {
            gvisor.close();
        }
    }

    String sh(String command) {
        return manager.exec(id, command, 30, OutputListener.NONE).stdout();
    }

    @Test
    void resetToANamedSnapshotRestoresItsWorkspaceAndDiffStillUsesTheBaseline() {
        files.write(id, "a.txt", "checkpointed\n");
        SnapshotCreated created = snapshots.create(id, "checkpoint");
        assertThat(created.snapshot().kind()).isEqualTo("named");
        assertThat(created.snapshot().content()).isEqualTo("filesystem");
        assertThat(created.snapshot().entryCount()).isEqualTo(1);
        files.write(id, "b.txt", "after\n");
        files.write(id, "a.txt", "changed\n");

        WorkspaceInfo reset = manager.reset(id, "checkpoint", Progress.NONE);
        assertThat(reset.workspaceReset().snapshotName()).isEqualTo("checkpoint");
        assertThat(reset.workspaceReset().kind()).isEqualTo("named");
        assertThat(sh("cat a.txt; ls")).isEqualTo("checkpointed\na.txt\n");
        assertThat(files.diff(id).entries()).extracting(e -> e.path()).containsExactly("a.txt");
        assertThat(files.summary(id).snapshots().namedCount()).isEqualTo(1);

        manager.reset(id, null, Progress.NONE);
        assertThat(sh("ls -A | wc -l").trim()).isEqualTo("0");
    }

    @Test
    void aSnapshotTakenWithAServiceRunningResetsToFilesOnlyAndNothingRuns() {
        WorkspaceServices services = new WorkspaceServices(manager.context());
        WorkspaceShells shells = new WorkspaceShells(manager.context());
        ServiceInfo svc = services.start(id, "ticker", "while true; do date >> ticks.log; sleep 0.2; done", null,
                Readiness.file("ticks.log"), 20, 100, java.util.Map.of(), java.util.List.of());
        assertThat(svc.state()).isEqualTo("running");
        String shell = shells.open(id, null, 80, 24, java.util.Map.of()).shellId();
        files.write(id, "kept.txt", "kept\n");
        snapshots.create(id, "busy");
        files.write(id, "kept.txt", "changed\n");

        manager.reset(id, "busy", Progress.NONE);
        assertThat(services.list(id).count()).isZero();
        assertThatThrownBy(() -> shells.read(id, shell, 0, 100, false, null))
                .hasMessageContaining(shell);
        assertThat(sh("cat kept.txt")).isEqualTo("kept\n");
        assertThat(sh("test -s ticks.log && echo present")).isEqualTo("present\n");
        String before = sh("wc -l < ticks.log");
        assertThat(sh("sleep 1; wc -l < ticks.log")).isEqualTo(before); // nothing appends any more
    }

    @Test
    void namesAreCheckedAndTheBaselineStays() {
        snapshots.create(id, "one");
        assertThatThrownBy(() -> snapshots.create(id, "one"))
                .hasMessage("snapshot 'one' already exists in workspace '" + id + "'");
        assertThatThrownBy(() -> snapshots.create(id, "baseline")).hasMessage("snapshot_name 'baseline' is reserved");
        assertThatThrownBy(() -> snapshots.create(id, "../x")).hasMessageStartingWith("snapshot_name is invalid");
        assertThatThrownBy(() -> snapshots.delete(id, "baseline")).hasMessage("cannot delete the baseline snapshot");
        assertThatThrownBy(() -> manager.reset(id, "nope", Progress.NONE))
                .hasMessage("snapshot 'nope' does not exist in workspace '" + id + "'");
        assertThat(snapshots.list(id).snapshots()).extracting(Snapshot::snapshotName)
                .containsExactly("baseline", "one");
        assertThat(snapshots.delete(id, "one").deleted()).isTrue();
        assertThat(snapshots.list(id).count()).isEqualTo(1);
        assertThatThrownBy(() -> snapshots.delete(id, "one"))
                .hasMessage("snapshot 'one' does not exist in workspace '" + id + "'");
    }
}
