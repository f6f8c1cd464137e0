package dev.pyro.engine.server;

import dev.pyro.api.engine.Operations;
import dev.pyro.api.workspace.SnapshotListing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.PyroException;
import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.api.Json;
import dev.pyro.api.engine.SnapshotParams;
import dev.pyro.api.engine.WorkspaceCreateParams;
import dev.pyro.api.engine.WorkspaceFileParams;
import dev.pyro.api.engine.WorkspaceParams;
import dev.pyro.api.workspace.WorkspaceInfo;
import dev.pyro.api.workspace.WorkspaceList;
import dev.pyro.api.workspace.WorkspaceLogs;
import dev.pyro.engine.workspace.WorkspaceSnapshots;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the engine daemon in the middle of create, sync, snapshot and reset (exec:
 * {@link EngineWorkspaceRecoveryTest}); kill -9 of a sandbox; a corrupt record. After each, a new
 * engine reports every workspace with a truthful state, keeps every completed operation, and leaves
 * no orphan process, mount or temp file. Real gVisor sandboxes, a real daemon.
 */
class EngineFaultsTest {

    EngineFixture fixture;
    EngineClient client;
    final List<String> ids = new ArrayList<>();

    /** The backend every case runs on; {@link EngineFaultsOnVmTest} runs them all on {@code vm}. */
    String backend() {
        return "gvisor";
    }

    @BeforeEach
    void setUp() throws Exception {
        RealSandboxes.assumeBackendWorks(backend());
        fixture = new EngineFixture();
        RealSandboxes.environment(fixture.paths);
        client = fixture.client();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (fixture != null) {
            ids.forEach(id -> EngineWorkspaces.deleteQuietly(fixture.client(), id));
            fixture.close();
        }
    }

    String create() {
        String id = EngineWorkspaces.create(client, backend(), 512);
        ids.add(id);
        return id;
    }

    /** Runs {@code call} on another thread, kills the engine once {@code when} holds (or after the delay), and returns the new client. */
    EngineClient killEngineDuring(Runnable call, long delayMillis) throws Exception {
        return killEngineDuring(call, () -> true, delayMillis);
    }

    /** Kills once {@code when} holds, then after {@code delayMillis} more. */
    EngineClient killEngineDuring(Runnable call, java.util.function.BooleanSupplier when, long delayMillis)
            throws Exception {
        long engine = fixture.pidFile();
        CompletableFuture<Void> inFlight = CompletableFuture.runAsync(call);
        EngineFixture.await("the moment to kill", Duration.ofSeconds(30), () -> when.getAsBoolean() || inFlight.isDone());
        Thread.sleep(delayMillis);
        boolean finishedFirst = inFlight.isDone();
        EngineFixture.kill9(engine);
        try {
            inFlight.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the call lost its engine: expected
        }
        System.out.printf("  engine %d killed after %d ms (call %s)%n", engine, delayMillis,
                finishedFirst ? "had already finished" : "in flight");
        EngineClient next = fixture.client();
        next.ping();
        assertThat(fixture.pidFile()).isNotEqualTo(engine);
        client = next;
        return next;
    }

    /** Every workspace truthful; sandbox processes and mounts only for started ones; no temp files. */
    void assertNoLeftovers() throws Exception {
        WorkspaceList list = client.call(Operations.LIST_WORKSPACES.name(), java.util.Map.of(), WorkspaceList.class);
        for (WorkspaceList.Item item : list.workspaces()) {
            Path dir = fixture.state.resolve("workspaces").resolve(item.workspaceId());
            if ("started".equals(item.state())) {
                assertThat(EngineWorkspaces.exec(client, item.workspaceId(), "echo up", 30).stdout()).isEqualTo("up\n");
            } else {
                assertThat(item.state()).isEqualTo("stopped");
                assertThat(EngineWorkspaces.processesMentioning(dir)).as("processes of stopped " + item.workspaceId())
                        .isEmpty();
            }
        }
        List<String> known = list.workspaces().stream().map(WorkspaceList.Item::workspaceId).toList();
        try (var dirs = Files.list(fixture.state.resolve("workspaces"))) {
            assertThat(dirs.map(d -> d.getFileName().toString()).filter(n -> !n.startsWith(".")).toList())
                    .as("workspace dirs").containsExactlyInAnyOrderElementsOf(known);
        }
        for (String mount : EngineWorkspaces.mountsUnder(fixture.state)) {
            String id = fixture.state.resolve("workspaces").relativize(Path.of(mount)).getName(0).toString();
            assertThat(list.workspaces()).as("mount " + mount)
                    .anyMatch(w -> w.workspaceId().equals(id) && "started".equals(w.state()));
        }
        assertThat(EngineWorkspaces.tempFiles(fixture.state)).as("temp files").isEmpty();
    }

    @Test
    void killedDuringCreate() throws Exception {
        String kept = create();
        EngineWorkspaces.exec(client, kept, "echo one > done.txt", 30);
        int dirs = fixture.state.resolve("workspaces").toFile().list().length;
        // killed once the new workspace's dir exists and its sandbox is starting
        EngineClient next = killEngineDuring(() -> client.call(Operations.CREATE_WORKSPACE.name(),
                new WorkspaceCreateParams(EngineWorkspaces.request(backend(), 512)), WorkspaceInfo.class),
                () -> fixture.state.resolve("workspaces").toFile().list().length > dirs, 150);
        WorkspaceList list = next.call(Operations.LIST_WORKSPACES.name(), java.util.Map.of(), WorkspaceList.class);
        list.workspaces().forEach(w -> {
            if (!ids.contains(w.workspaceId())) ids.add(w.workspaceId()); // a create that finished first
        });
        assertThat(list.workspaces()).extracting(WorkspaceList.Item::workspaceId).contains(kept);
        assertThat(EngineWorkspaces.exec(next, kept, "cat done.txt", 30).stdout()).isEqualTo("one\n");
        System.out.printf("kill -9 during create: %d workspace(s) listed, the cut create left nothing%n", list.count());
        assertNoLeftovers();
    }

    @Test
    void killedDuringSync() throws Exception {
        String id = create();
        EngineWorkspaces.exec(client, id, "echo one > before.txt", 30);
        Path source = Files.createDirectories(fixture.state.resolve("sync-source"));
        for (int i = 0; i < 3000; i++) {
            Files.writeString(source.resolve("f" + i + ".txt"), "line " + i + "\n");
        }
        EngineClient next = killEngineDuring(() -> client.call(Operations.PUSH_WORKSPACE_SYNC.name(),
                WorkspaceFileParams.of(id).sync(source.toString(), "/workspace/pushed"), Object.class), 700);
        WorkspaceInfo status = EngineWorkspaces.status(next, id);
        assertThat(status.state()).isEqualTo("started");
        assertThat(status.commandCount()).isEqualTo(1);
        assertThat(EngineWorkspaces.exec(next, id, "cat before.txt", 30).stdout()).isEqualTo("one\n");
        // the sync was never reported done; pushing again completes it
        next.call(Operations.PUSH_WORKSPACE_SYNC.name(), WorkspaceFileParams.of(id).sync(source.toString(),
                "/workspace/pushed"), Object.class);
        assertThat(EngineWorkspaces.exec(next, id, "find pushed -type f | wc -l", 30).stdout().trim()).isEqualTo("3000");
        System.out.println("kill -9 during sync: journal kept 1 command, 3000 files after the retry");
        assertNoLeftovers();
    }

    @Test
    void killedDuringSnapshot() throws Exception {
        String id = create();
        EngineWorkspaces.exec(client, id, "for i in $(seq 1 400); do head -c 20000 /dev/urandom > r$i.bin; done", 60);
        EngineClient next = killEngineDuring(() -> client.call(Operations.CREATE_SNAPSHOT.name(),
                new SnapshotParams(id, "s1"), Object.class), 600);
        SnapshotListing listing = next.call(Operations.LIST_SNAPSHOTS.name(), new WorkspaceParams(id),
                SnapshotListing.class);
        assertThat(EngineWorkspaces.status(next, id).state()).isEqualTo("started");
        assertThat(EngineWorkspaces.status(next, id).commandCount()).isEqualTo(1);
        assertNoLeftovers();
        boolean kept = listing.snapshots().stream().anyMatch(s -> s.snapshotName().equals("s1"));
        // half a snapshot is never listed; taking it again works either way (or says it exists)
        if (!kept) {
            next.call(Operations.CREATE_SNAPSHOT.name(), new SnapshotParams(id, "s1"), Object.class);
        }
        EngineWorkspaces.exec(next, id, "rm r1.bin", 30);
        next.call(Operations.RESET_WORKSPACE.name(), new SnapshotParams(id, "s1"), WorkspaceInfo.class);
        assertThat(EngineWorkspaces.exec(next, id, "find . -type f | wc -l", 30).stdout().trim()).isEqualTo("400");
        System.out.printf("kill -9 during snapshot: snapshot %s, reset to it restores 400 files%n",
                kept ? "completed before the kill" : "discarded and taken again");
    }

    @Test
    void killedDuringReset() throws Exception {
        String id = create();
        EngineWorkspaces.exec(client, id, "echo one > before.txt", 30);
        long oldSandbox = Json.MAPPER.readTree(fixture.state.resolve(Path.of("workspaces", id, "workspace.json"))
                .toFile()).path("sandbox").path("pid").asLong();
        // killed once the old sandbox is gone and the fresh one is being made; a loop over other
        // instants: -Dpyro.test.reset-kill-delay-ms=N (the layer mount, runsc start, the import...)
        long delay = Long.getLong("pyro.test.reset-kill-delay-ms", 100);
        EngineClient next = killEngineDuring(() -> client.call(Operations.RESET_WORKSPACE.name(),
                new SnapshotParams(id, null), WorkspaceInfo.class),
                () -> ProcessHandle.of(oldSandbox).map(p -> !p.isAlive()).orElse(true), delay);
        WorkspaceInfo status = EngineWorkspaces.status(next, id);
        System.out.printf("kill -9 during reset: state %s, last_error %s%n", status.state(), status.lastError());
        assertNoLeftovers();
        if ("stopped".equals(status.state()) && status.lastError() != null
                && status.lastError().contains("reset did not finish")) {
            // the old sandbox is gone and the fresh one half made: start says to reset
            assertThatThrownBy(() -> next.call(Operations.START_WORKSPACE.name(), new WorkspaceParams(id),
                    WorkspaceInfo.class)).isInstanceOf(PyroException.class)
                    .hasMessageContaining("run: pyro workspace reset " + id);
        } else if ("stopped".equals(status.state())) {
            next.call(Operations.START_WORKSPACE.name(), new WorkspaceParams(id), WorkspaceInfo.class);
        }
        next.call(Operations.RESET_WORKSPACE.name(), new SnapshotParams(id, null), WorkspaceInfo.class);
        assertThat(EngineWorkspaces.exec(next, id, "find . -mindepth 1 | wc -l", 30).stdout().trim()).isEqualTo("0");
        assertNoLeftovers();
    }

    @Test
    void aKilledSandboxIsReportedStoppedAndStartsAgain() throws Exception {
        String victim = create();
        String other = create();
        EngineWorkspaces.exec(client, victim, "echo one > kept.txt && sync", 30);
        long pid = Json.MAPPER.readTree(fixture.state.resolve(Path.of("workspaces", victim, "workspace.json")).toFile())
                .path("sandbox").path("pid").asLong();
        assertThat(pid).isPositive();
        Process strayOfVictim = strayProcessIn(victim); // as a reset cut short by a killed engine leaves
        EngineFixture.kill9(pid);
        WorkspaceInfo status = EngineWorkspaces.status(client, victim);
        assertThat(status.state()).isEqualTo("stopped");
        assertThat(status.lastError()).isEqualTo("backing guest process is no longer running");
        assertThat(EngineWorkspaces.status(client, other).state()).isEqualTo("started");
        assertThat(strayOfVictim.waitFor(10, TimeUnit.SECONDS)).as("stray sandbox process stopped").isTrue();
        // a stopped workspace holds no mount: the dead sandbox's overlay and layer went with it
        Path victimDir = fixture.state.resolve("workspaces").resolve(victim);
        assertThat(EngineWorkspaces.mountsUnder(fixture.state)).as("mounts of the stopped workspace")
                .noneMatch(m -> Path.of(m).startsWith(victimDir));
        client.call(Operations.START_WORKSPACE.name(), new WorkspaceParams(victim), WorkspaceInfo.class);
        assertThat(EngineWorkspaces.exec(client, victim, "cat kept.txt", 30).stdout()).isEqualTo("one\n");
        assertThat(EngineWorkspaces.exec(client, other, "echo fine", 30).stdout()).isEqualTo("fine\n");
        System.out.println("kill -9 of a sandbox: reported stopped with the reason, started again with its files");
        assertNoLeftovers();
    }

    @Test
    void aSandboxLeftRunningForAStoppedWorkspaceIsStoppedWhenTheEngineStarts() throws Exception {
        String id = create();
        client.call(Operations.STOP_WORKSPACE.name(), new WorkspaceParams(id), WorkspaceInfo.class);
        Process stray = strayProcessIn(id); // as a start cut short by a killed engine leaves
        long engine = fixture.pidFile();
        EngineFixture.kill9(engine);
        client = fixture.client();
        client.ping();
        assertThat(stray.waitFor(10, TimeUnit.SECONDS)).as("stray sandbox process stopped at engine start").isTrue();
        assertThat(EngineWorkspaces.status(client, id).state()).isEqualTo("stopped");
        System.out.println("stray sandbox of a stopped workspace: stopped when the next engine starts");
        assertNoLeftovers();
    }

    /** A host process naming the workspace's sandbox dir on its command line, as QEMU and runsc do. */
    Process strayProcessIn(String id) throws Exception {
        String workDir = Json.MAPPER.readTree(fixture.state.resolve(Path.of("workspaces", id, "workspace.json"))
                .toFile()).path("sandbox").path("work_dir").asText();
        assertThat(workDir).contains(id);
        return new ProcessBuilder("sh", "-c", "while :; do sleep 0.2; done", workDir).start();
    }

    @Test
    void aCorruptRecordIsListedAsUnreadableAndNamedInStatus() throws Exception {
        String broken = create();
        String fine = create();
        EngineWorkspaces.exec(client, fine, "echo one > kept.txt", 30);
        client.shutdown();
        Path record = fixture.state.resolve(Path.of("workspaces", broken, "workspace.json"));
        Files.writeString(record, "{\"workspace_id\": \"" + broken + "\", \"state\": \"sta"); // torn by hand
        EngineClient next = fixture.client();
        client = next;
        WorkspaceList list = next.call(Operations.LIST_WORKSPACES.name(), java.util.Map.of(), WorkspaceList.class);
        assertThat(list.workspaces()).extracting(WorkspaceList.Item::workspaceId, WorkspaceList.Item::state)
                .contains(org.assertj.core.groups.Tuple.tuple(broken, WorkspaceList.UNREADABLE),
                        org.assertj.core.groups.Tuple.tuple(fine, "started"));
        assertThatThrownBy(() -> EngineWorkspaces.status(next, broken)).isInstanceOf(PyroException.class)
                .hasMessageContaining("workspace record " + record + " is unreadable");
        assertThat(EngineWorkspaces.exec(next, fine, "cat kept.txt", 30).stdout()).isEqualTo("one\n");
        WorkspaceLogs logs = next.call(Operations.LOGS_WORKSPACE.name(), new WorkspaceParams(fine), WorkspaceLogs.class);
        assertThat(logs.count()).isEqualTo(2);
        // deleting the broken workspace still works and takes its sandbox along
        next.call(Operations.DELETE_WORKSPACE.name(), new WorkspaceParams(broken), Object.class);
        ids.remove(broken);
        System.out.println("corrupt record: listed as unreadable, status names the file, delete cleans it up");
        Thread.sleep(Duration.ofMillis(100));
        assertNoLeftovers();
    }
}
