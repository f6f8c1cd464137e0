package dev.pyro.engine.workspace;

import dev.pyro.api.OutputListener;
import dev.pyro.api.workspace.CommandEntry;
import dev.pyro.api.workspace.WorkspaceExecResult;
import dev.pyro.api.workspace.WorkspaceLogs;
import dev.pyro.api.workspace.WorkspaceList;
import dev.pyro.api.workspace.WorkspaceInfo;
import dev.pyro.api.workspace.WorkspaceRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Workspace lifecycle on real gVisor sandboxes: create, exec journal, stop/start, reset, delete, TTL. */
class WorkspaceLifecycleTest {

    Path state;
    AtomicReference<Double> now = new AtomicReference<>(2_000_000.0);
    WorkspaceManager manager;
    WorkspaceRequest request = WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT)
            .withBackend("gvisor", false).withSize(1, 512, 600);

    @BeforeEach
    void setUp() throws Exception {
        RealSandboxes.assumeBackendWorks("gvisor");
        state = Files.createTempDirectory("pyro-ws-");
        manager = new WorkspaceManager(RealSandboxes.paths(state), 4, () -> 0, now::get);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (manager != null) {
            for (WorkspaceList.Item item : manager.list().workspaces()) {
                manager.delete(item.workspaceId());
            }
            manager.close();
        }
        FileTrees.deleteRecursively(state);
    }

    String exec(String id, String command) {
        return manager.exec(id, command, 30, OutputListener.NONE).stdout();
    }

    @Test
    void aWorkspaceKeepsItsFilesAcrossStopAndStartAndResetsToTheBaseline() {
        WorkspaceInfo created = manager.create(request.withName("  repro  ").withLabels(Map.of("issue", "123")),
                Progress.NONE);
        String id = created.workspaceId();
        assertThat(created.state()).isEqualTo("started");
        assertThat(created.name()).isEqualTo("repro");
        assertThat(created.labels()).containsExactly(Map.entry("issue", "123"));
        assertThat(created.workspaceSeed().mode()).isEqualTo("empty");
        assertThat(created.executionMode()).isEqualTo("guest_gvisor");
        assertThat(created.workspacePath()).isEqualTo("/workspace");
        assertThat(created.lastActivityAt()).isEqualTo(created.createdAt());

        WorkspaceExecResult first = manager.exec(id, "echo hello > note.txt && pwd", 30, OutputListener.NONE);
        assertThat(first.sequence()).isEqualTo(1);
        assertThat(first.stdout()).isEqualTo("/workspace\n");
        assertThat(first.cwd()).isEqualTo("/workspace");
        assertThat(manager.exec(id, "exit 5", 30, OutputListener.NONE).exitCode()).isEqualTo(5);

        WorkspaceLogs logs = manager.logs(id);
        assertThat(logs.count()).isEqualTo(2);
        assertThat(logs.entries()).extracting(CommandEntry::sequence).containsExactly(1, 2);
        assertThat(logs.entries().get(0).stdout()).isEqualTo("/workspace\n");
        assertThat(logs.entries().get(1).exitCode()).isEqualTo(5);

        assertThat(manager.stop(id).state()).isEqualTo("stopped");
        assertThatThrownBy(() -> manager.exec(id, "true", 30, OutputListener.NONE))
                .hasMessage("workspace " + id + " must be in 'started' state before workspace_exec");
        assertThat(manager.start(id).state()).isEqualTo("started");
        assertThat(exec(id, "cat note.txt")).isEqualTo("hello\n");
        assertThat(manager.status(id).commandCount()).isEqualTo(3);

        WorkspaceInfo reset = manager.reset(id, Progress.NONE);
        assertThat(reset.resetCount()).isEqualTo(1);
        assertThat(reset.commandCount()).isZero();
        assertThat(reset.lastCommand()).isNull();
        assertThat(reset.workspaceReset().snapshotName()).isEqualTo("baseline");
        assertThat(reset.name()).isEqualTo("repro");
        assertThat(exec(id, "ls -A /workspace | wc -l").trim()).isEqualTo("0");
        assertThat(manager.logs(id).count()).isEqualTo(1);

        assertThat(manager.delete(id).reason()).isEqualTo("explicit_delete");
        assertThat(state.resolve("workspaces").resolve(id)).doesNotExist();
        assertThatThrownBy(() -> manager.status(id)).hasMessage("workspace '" + id + "' does not exist");
    }

    @Test
    void concurrentCommandsOnOneWorkspaceLoseNoUpdate() throws Exception {
        String id = manager.create(request, Progress.NONE).workspaceId();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<WorkspaceExecResult>> results = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                int n = i;
                results.add(pool.submit(() -> manager.exec(id, "echo " + n + " >> log.txt", 30, OutputListener.NONE)));
            }
            List<Integer> sequences = new ArrayList<>();
            for (Future<WorkspaceExecResult> result : results) {
                sequences.add(result.get().sequence());
            }
            assertThat(sequences).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        } finally {
            pool.shutdownNow();
        }
        assertThat(manager.status(id).commandCount()).isEqualTo(12);
        assertThat(manager.logs(id).count()).isEqualTo(12);
        assertThat(exec(id, "wc -l < log.txt").trim()).isEqualTo("12");
    }

    @Test
    void listIsOrderedByActivityAndReadsDoNotCount() {
        String older = manager.create(request.withName("older"), Progress.NONE).workspaceId();
        now.set(now.get() + 5);
        String newer = manager.create(request.withName("newer"), Progress.NONE).workspaceId();
        assertThat(manager.list().workspaces()).extracting(WorkspaceList.Item::workspaceId).containsExactly(newer, older);
        now.set(now.get() + 5);
        exec(older, "true");
        assertThat(manager.list().workspaces()).extracting(WorkspaceList.Item::workspaceId).containsExactly(older, newer);
        now.set(now.get() + 5);
        manager.status(newer);
        manager.logs(newer);
        assertThat(manager.list().workspaces()).extracting(WorkspaceList.Item::workspaceId).containsExactly(older, newer);
        WorkspaceInfo updated = manager.update(newer, null, true, Map.of("owner", "codex"), List.of());
        assertThat(updated.name()).isNull();
        assertThat(updated.labels()).containsEntry("owner", "codex");
        assertThat(manager.list().workspaces().get(0).workspaceId()).isEqualTo(newer);
    }

    @Test
    void expiredWorkspacesAreReapedWithAClearError() {
        String id = manager.create(request.withSize(1, 512, 60), Progress.NONE).workspaceId();
        now.set(now.get() + 61);
        assertThatThrownBy(() -> manager.exec(id, "true", 30, OutputListener.NONE))
                .hasMessage("workspace '" + id + "' expired and was automatically deleted");
        assertThat(state.resolve("workspaces").resolve(id)).doesNotExist();
    }

    /** Issue 17: a workspace the reaper took earlier (list, create, the engine's timer) says expired, not "does not exist". */
    @Test
    void aWorkspaceReapedEarlierStillSaysExpired() {
        String id = manager.create(request.withSize(1, 512, 60), Progress.NONE).workspaceId();
        now.set(now.get() + 61);
        assertThat(manager.list().count()).isZero(); // reaps it
        assertThat(state.resolve("workspaces").resolve(id)).doesNotExist();
        String expired = "workspace '" + id + "' expired and was automatically deleted";
        assertThatThrownBy(() -> manager.status(id)).hasMessage(expired);
        assertThatThrownBy(() -> manager.exec(id, "true", 30, OutputListener.NONE)).hasMessage(expired);
        assertThatThrownBy(() -> manager.delete(id)).hasMessage(expired);
        // a new engine knows it too; an id never seen still does not exist
        WorkspaceManager next = new WorkspaceManager(RealSandboxes.paths(state), 4, () -> 0, now::get);
        assertThatThrownBy(() -> next.status(id)).hasMessage(expired);
        assertThatThrownBy(() -> next.status("0123456789ab")).hasMessage("workspace '0123456789ab' does not exist");
    }

    @Test
    void aFailedCreateLeavesNothingBehind() {
        assertThatThrownBy(() -> manager.create(request.withLabels(Map.of("bad key", "x")), Progress.NONE))
                .hasMessageContaining("label key 'bad key' is invalid");
        assertThatThrownBy(() -> manager.create(request.withBackend("host", false), Progress.NONE))
                .hasMessageContaining("--allow-host-compat");
        assertThatThrownBy(() -> manager.create(request.withName(" "), Progress.NONE))
                .hasMessage("name must not be empty");
        assertThat(manager.list().count()).isZero();
        Path root = state.resolve("workspaces");
        if (Files.isDirectory(root)) {
            assertThat(root.toFile().list((d, n) -> !n.startsWith("."))).isEmpty();
        }
    }

    @Test
    void aCreateCutShortByACrashIsCleanedUpByTheNextEngine() throws Exception {
        String kept = manager.create(request, Progress.NONE).workspaceId();
        Path orphan = Files.createDirectories(state.resolve("workspaces/0123456789ab/runtime/upper"));
        Files.writeString(orphan.resolve("half-written"), "x");
        assertThat(manager.removeOrphans()).containsExactly("0123456789ab");
        assertThat(state.resolve("workspaces/0123456789ab")).doesNotExist();
        assertThat(manager.status(kept).state()).isEqualTo("started");
    }
}
