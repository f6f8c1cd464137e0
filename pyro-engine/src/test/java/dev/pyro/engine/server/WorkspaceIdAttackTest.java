package dev.pyro.engine.server;

import dev.pyro.api.engine.Operations;
import dev.pyro.api.engine.ShellParams;
import dev.pyro.api.engine.WorkspaceParams;
import dev.pyro.api.engine.VmParams;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.PyroException;
import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.api.Json;
import dev.pyro.api.workspace.WorkspaceList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * The review's id attacks (issue 17 item 1) against a real engine daemon with real gVisor
 * workspaces. Params go to the engine socket as raw JSON maps, as a hostile client would send
 * them (the SDK's own param records refuse such ids before sending). Every attack must be
 * refused with an error naming {@code workspace_id}, and leave the foreign directory, its files
 * and the processes that mention it alone.
 */
class WorkspaceIdAttackTest {

    EngineFixture fixture;
    EngineClient client;
    Path victim;
    Process bystander;
    final List<String> ids = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        RealSandboxes.assumeBackendWorks("gvisor");
        fixture = new EngineFixture();
        RealSandboxes.environment(fixture.paths);
        client = fixture.client(Map.of("PYRO_MAX_ACTIVE_VMS", "2"));
        // An Nx-style project dir holding a plain workspace.json, and a process naming it.
        victim = Files.createTempDirectory("pyro-victim-");
        Files.writeString(victim.resolve("workspace.json"), "{\"version\": 2, \"projects\": {}}\n");
        Files.writeString(victim.resolve("keep.txt"), "mine\n");
        bystander = new ProcessBuilder("sh", "-c", "sleep 600", "--root=" + victim.resolve("runsc"),
                victim.toString()).start();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (bystander != null) {
            bystander.descendants().forEach(ProcessHandle::destroyForcibly); // sh's sleep, not only sh
            bystander.destroyForcibly();
        }
        if (fixture != null) {
            ids.forEach(id -> EngineWorkspaces.deleteQuietly(client, id));
            fixture.close();
        }
        if (victim != null) {
            FileTrees.deleteRecursively(victim);
        }
    }

    String create() {
        String id = EngineWorkspaces.create(client, "gvisor", 512);
        ids.add(id);
        return id;
    }

    Object raw(String method, Map<String, Object> params) {
        return client.call(method, params, Object.class);
    }

    void refusedAsInvalidId(String method, Map<String, Object> params) {
        assertThatThrownBy(() -> raw(method, params)).as(method + " " + params)
                .isInstanceOf(PyroException.class)
                .hasMessageStartingWith("workspace_id must be 12 lowercase hex characters")
                .extracting(e -> ((PyroException) e).kind()).isEqualTo(PyroException.Kind.INVALID_INPUT);
    }

    void victimUntouched() {
        assertThat(victim.resolve("workspace.json")).exists();
        assertThat(victim.resolve("keep.txt")).hasContent("mine");
        assertThat(victim.resolve("runtime")).doesNotExist();
        assertThat(bystander.isAlive()).as("a process naming the foreign dir").isTrue();
    }

    /** Ids a hostile client sends for {@code dir}: absolute, relative with {@code ../}, and with a separator. */
    List<String> pathIds(Path dir) {
        Path workspaces = fixture.state.resolve("workspaces");
        return List.of(dir.toString(), workspaces.relativize(dir).toString(), "a/b", "../escape",
                dir + "/", "ABCDEF012345", "0123456789a\n");
    }

    @Test
    void idsThatArePathsAreRefusedByEveryWorkspaceOperationAndTouchNothing() throws Exception {
        String id = create();
        for (String attack : pathIds(victim)) {
            refusedAsInvalidId(Operations.DELETE_WORKSPACE.name(), Map.of("workspace_id", attack));
            refusedAsInvalidId(Operations.STATUS_WORKSPACE.name(), Map.of("workspace_id", attack));
            refusedAsInvalidId(Operations.STOP_WORKSPACE.name(), Map.of("workspace_id", attack));
            refusedAsInvalidId(Operations.RESET_WORKSPACE.name(), Map.of("workspace_id", attack));
            refusedAsInvalidId(Operations.EXEC_WORKSPACE.name(), Map.of("workspace_id", attack, "command", "id",
                    "timeout_seconds", 10));
            refusedAsInvalidId(Operations.LIST_SNAPSHOTS.name(), Map.of("workspace_id", attack));
            refusedAsInvalidId(Operations.OPEN_SHELL.name(), Map.of("workspace_id", attack, "plain", false));
            refusedAsInvalidId(Operations.LIST_SERVICES.name(), Map.of("workspace_id", attack, "all_lines", false));
            refusedAsInvalidId(Operations.READ_WORKSPACE_FILE.name(), Map.of("workspace_id", attack, "path", "x",
                    "recursive", false, "overwrite", false));
            victimUntouched();
        }
        // The same through the workspace's own dir: runtime/host is the guest's bind of the host.
        refusedAsInvalidId(Operations.RESET_WORKSPACE.name(), Map.of("workspace_id", id + "/runtime/host"));
        refusedAsInvalidId(Operations.DELETE_WORKSPACE.name(), Map.of("workspace_id", id + "/.."));
        // A control character in a refused id is shown escaped, never raw.
        assertThatThrownBy(() -> raw(Operations.STATUS_WORKSPACE.name(), Map.of("workspace_id", "\u001b[31mred\n")))
                .hasMessage("workspace_id must be 12 lowercase hex characters (as Pyro prints it), got "
                        + "'\\u001b[31mred\\u000a'");
        assertThat(EngineWorkspaces.exec(client, id, "echo alive", 10).stdout()).isEqualTo("alive\n");
        assertThat(locksOutsideLocksDir()).isEmpty();
        assertThat(fixture.state.resolve("escape.lock")).doesNotExist();
    }

    @Test
    void aCraftedHostRecordInAForeignDirNeverRunsAnything() throws Exception {
        String id = create();
        // A record copied from a real workspace, turned into a host one pointing at the victim dir.
        ObjectNode record = (ObjectNode) Json.MAPPER.readTree(
                fixture.state.resolve("workspaces").resolve(id).resolve("workspace.json").toFile());
        record.put("backend", "host").put("allow_host_compat", true).put("state", "stopped");
        ObjectNode sandbox = (ObjectNode) record.get("sandbox");
        sandbox.put("backend", "host").put("work_dir", victim.resolve("runtime").toString())
                .put("agent_socket", victim.resolve("runtime/agent.sock").toString());
        Path planted = Files.createDirectories(victim.resolve("planted"));
        Json.writeFile(planted.resolve("workspace.json"), record);
        for (String attack : pathIds(planted)) {
            refusedAsInvalidId(Operations.RESET_WORKSPACE.name(), Map.of("workspace_id", attack));
            refusedAsInvalidId(Operations.START_WORKSPACE.name(), Map.of("workspace_id", attack));
            refusedAsInvalidId(Operations.EXEC_WORKSPACE.name(), Map.of("workspace_id", attack,
                    "command", "touch " + victim.resolve("pwned"), "timeout_seconds", 10));
        }
        assertThat(victim.resolve("pwned")).doesNotExist();
        assertThat(planted.resolve("runtime")).doesNotExist();
        assertThat(planted.resolve("workspace.json")).exists();
        victimUntouched();
    }

    @Test
    void aRecordPlantedInTheGuestBindIsNeverAWorkspace() throws Exception {
        String id = create();
        Path workspaceDir = fixture.state.resolve("workspaces").resolve(id);
        ObjectNode record = (ObjectNode) Json.MAPPER.readTree(workspaceDir.resolve("workspace.json").toFile());
        record.put("workspace_id", id + "/runtime/host").put("name", "guest-chosen");
        // What a guest can write under /run/pyro-host (the host side is runtime/host).
        Json.writeFile(Files.createDirectories(workspaceDir.resolve("runtime/host")).resolve("workspace.json"), record);
        refusedAsInvalidId(Operations.RESET_WORKSPACE.name(), Map.of("workspace_id", id + "/runtime/host"));
        refusedAsInvalidId(Operations.EXEC_WORKSPACE.name(), Map.of("workspace_id", id + "/runtime/host",
                "command", "id", "timeout_seconds", 10));
        WorkspaceList list = client.call(Operations.LIST_WORKSPACES.name(), Map.of(), WorkspaceList.class);
        assertThat(list.workspaces()).extracting(WorkspaceList.Item::workspaceId).containsExactly(id);
        assertThat(list.workspaces()).extracting(WorkspaceList.Item::name).doesNotContain("guest-chosen");
        assertThat(EngineWorkspaces.exec(client, id, "echo alive", 10).stdout()).isEqualTo("alive\n");
    }

    @Test
    void plantedDirsAreNotListedNotCountedAndARecordNotMatchingItsDirIsRefused() throws Exception {
        String id = create();
        Path workspaces = fixture.state.resolve("workspaces");
        ObjectNode record = (ObjectNode) Json.MAPPER.readTree(workspaces.resolve(id).resolve("workspace.json").toFile());
        // Junk in the workspaces dir: a dir with a non-id name, a stray lock file, a symlink named like an id.
        Json.writeFile(Files.createDirectories(workspaces.resolve("notes")).resolve("workspace.json"),
                record.deepCopy().put("workspace_id", "notes").put("name", "planted-notes"));
        Files.writeString(workspaces.resolve("escape.lock"), "");
        Files.createSymbolicLink(workspaces.resolve("0123456789ab"), victim);
        // A copy of the record under another id's dir: it names the first workspace, not its own dir.
        String other = "fedcba987654";
        Json.writeFile(Files.createDirectories(workspaces.resolve(other)).resolve("workspace.json"),
                record.deepCopy().put("name", "copied"));

        WorkspaceList list = client.call(Operations.LIST_WORKSPACES.name(), Map.of(), WorkspaceList.class);
        assertThat(list.workspaces()).extracting(WorkspaceList.Item::workspaceId).containsExactlyInAnyOrder(id, other);
        assertThat(list.workspaces()).filteredOn(i -> i.workspaceId().equals(other))
                .extracting(WorkspaceList.Item::state, WorkspaceList.Item::name)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(WorkspaceList.UNREADABLE, null));
        assertThatThrownBy(() -> EngineWorkspaces.exec(client, other, "id", 10))
                .hasMessageContaining("is refused: it names workspace '" + id + "'");
        // Capacity (2) counts the two workspace dirs, not the junk: deleting the copy frees a slot.
        raw(Operations.DELETE_WORKSPACE.name(), Map.of("workspace_id", other));
        assertThat(workspaces.resolve(id)).isDirectory();
        assertThat(EngineWorkspaces.exec(client, id, "echo alive", 10).stdout()).isEqualTo("alive\n");
        create();
        assertThat(victim.resolve("workspace.json")).exists();
        assertThat(workspaces.resolve("notes/workspace.json")).exists(); // not ours: left alone
    }

    @Test
    void aRecordWhoseSandboxPointsElsewhereIsRefusedAndItsDeleteStaysInItsOwnDir() throws Exception {
        String id = create();
        Path dir = fixture.state.resolve("workspaces").resolve(id);
        ObjectNode record = (ObjectNode) Json.MAPPER.readTree(dir.resolve("workspace.json").toFile());
        ((ObjectNode) record.get("sandbox")).put("work_dir", victim.toString());
        Json.writeFile(dir.resolve("workspace.json"), record);

        assertThatThrownBy(() -> EngineWorkspaces.status(client, id))
                .hasMessageContaining("is refused: its sandbox dir " + victim);
        assertThatThrownBy(() -> EngineWorkspaces.exec(client, id, "id", 10)).hasMessageContaining("is refused");
        raw(Operations.DELETE_WORKSPACE.name(), Map.of("workspace_id", id));
        ids.remove(id);
        assertThat(dir).doesNotExist();
        assertThat(EngineWorkspaces.processesMentioning(dir)).isEmpty();
        assertThat(EngineWorkspaces.mountsUnder(dir)).isEmpty();
        victimUntouched();
    }

    /** Snapshot and service names become file names too: a {@code ../} name must not reach a host file. */
    @Test
    void snapshotAndServiceNamesThatArePathsAreRefused() throws Exception {
        String id = create();
        Path snapshots = fixture.state.resolve("workspaces").resolve(id).resolve("snapshots");
        Files.writeString(victim.resolve("stolen.txt"), "host secret\n");
        assertThat(new ProcessBuilder("tar", "-cf", "loot.tar", "stolen.txt").directory(victim.toFile())
                .start().waitFor()).isZero();
        Files.writeString(victim.resolve("loot.json"), "{}\n");
        String loot = snapshots.relativize(victim.resolve("loot")).toString();
        assertThatThrownBy(() -> raw(Operations.RESET_WORKSPACE.name(), Map.of("workspace_id", id, "snapshot_name", loot)))
                .hasMessageStartingWith("snapshot_name is invalid");
        assertThatThrownBy(() -> raw(Operations.DELETE_SNAPSHOT.name(), Map.of("workspace_id", id, "snapshot_name", loot)))
                .hasMessageStartingWith("snapshot_name is invalid");
        assertThat(victim.resolve("loot.tar")).exists();
        assertThat(victim.resolve("loot.json")).exists();
        assertThat(EngineWorkspaces.exec(client, id, "ls /workspace", 10).stdout()).doesNotContain("stolen");

        Path services = fixture.state.resolve("workspaces").resolve(id).resolve("services");
        String service = services.relativize(victim.resolve("loot")).toString();
        for (String method : List.of(Operations.STATUS_SERVICE.name(), Operations.STOP_SERVICE.name(),
                Operations.LOGS_SERVICE.name())) {
            assertThatThrownBy(() -> raw(method, Map.of("workspace_id", id, "service_name", service,
                    "all_lines", false))).as(method).hasMessageStartingWith("service_name must match");
        }
        assertThat(victim.resolve("loot.json")).hasContent("{}");
    }

    /** Lock files anywhere in the state dir but {@code workspaces/.locks} (the engine's own lock aside). */
    List<Path> locksOutsideLocksDir() throws Exception {
        try (Stream<Path> files = Files.walk(fixture.state)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".lock"))
                    .filter(f -> !f.getParent().equals(fixture.state.resolve("workspaces/.locks")))
                    .filter(f -> !f.equals(fixture.state.resolve("engine.lock")))
                    .filter(f -> !f.toString().contains("/runtime/"))
                    .toList();
        }
    }

    @Test
    void theSdkParamsRefuseABadIdBeforeAnythingIsSent() {
        assertThatThrownBy(() -> new WorkspaceParams(victim.toString()))
                .hasMessageStartingWith("workspace_id must be 12 lowercase hex characters");
        assertThatThrownBy(() -> new VmParams("../x"))
                .hasMessageStartingWith("vm_id must be 12 lowercase hex characters");
        assertThatThrownBy(() -> ShellParams.of("0123456789ab", "../../x"))
                .hasMessageStartingWith("shell_id must be 12 lowercase hex characters");
    }
}
