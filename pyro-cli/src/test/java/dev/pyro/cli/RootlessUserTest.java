package dev.pyro.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.pyro.engine.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * Issue 2/8: the product as an ordinary account (no sudo, subordinate ids from useradd), from its
 * own empty caches, on real gVisor sandboxes: the environment build, guest files with their real
 * owners (in the directory and in the ext4 image), {@code pyro run}, a workspace, deletes of trees
 * owned by subordinate ids, the engine surviving {@code kill -9} with its sandbox, and doctor.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RootlessUserTest {

    private static final String ENV = "debian:12-base";
    private OrdinaryUser user;

    @BeforeAll
    void createAccount() throws Exception {
        assumeThat(OrdinaryUser.root()).as("creating an ordinary account needs root (CI runs as root); "
                + "this test proves the rootless path by becoming that account with runuser").isTrue();
        user = OrdinaryUser.create(true);
    }

    @AfterAll
    void removeAccount() throws Exception {
        if (user != null) {
            user.close();
        }
    }

    private Path installDir() {
        return user.home.resolve(".cache/pyro/environments/linux-x86_64/debian_12-base-1.0.0");
    }

    @Test
    @Order(1)
    void runBuildsTheEnvironmentAndGuestFilesKeepTheirOwners() throws Exception {
        long started = System.nanoTime();
        // env pull builds in the CLI process (an ordinary user: each step wrapped in the namespace).
        CliProcess.Result pull = user.pyro("env", "pull", ENV);
        assertThat(pull.exitCode()).as(pull.stderr()).isZero();
        System.err.println("rootless env pull from empty caches: " + (System.nanoTime() - started) / 1_000_000 + " ms");
        CliProcess.Result run = user.pyro("run", ENV, "--backend", "gvisor", "--", "sh", "-c",
                "id -u; stat -c %U /var/cache/apt/archives/partial; stat -c %G /var/log/wtmp; stat -c %U /etc/shadow");
        System.err.println("rootless pull + first run: " + (System.nanoTime() - started) / 1_000_000 + " ms");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("0\n_apt\nutmp\nroot\n");
        assertThat(run.stderr()).contains("execution_mode=guest_gvisor");

        // On the host the guest's _apt is one of the account's subordinate ids, never another account.
        int apt = (Integer) Files.getAttribute(installDir().resolve("rootfs/var/cache/apt/archives/partial"),
                "unix:uid");
        String subuid = Files.readAllLines(Path.of("/etc/subuid")).stream()
                .filter(l -> l.startsWith(user.name + ":")).findFirst().orElseThrow();
        long base = Long.parseLong(subuid.split(":")[1]);
        assertThat(apt).isEqualTo((int) (base + 42 - 1));
        // The vm image records the guest's ids (mke2fs -d ran inside the namespace).
        String stat = OrdinaryUser.run(List.of("debugfs", "-R", "stat /var/cache/apt/archives/partial",
                installDir().resolve("rootfs.ext4").toString()));
        assertThat(stat).containsPattern("User:\\s+42\\s+Group:\\s+0\\b");
        assertThat(installDir().getParent()).isDirectory();
        try (var children = Files.list(installDir().getParent())) {
            assertThat(children.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".partial-"));
        }
    }

    @Test
    @Order(2)
    void workspaceCreateExecResetDeleteAndAnEngineKilledWithKill9() throws Exception {
        CliProcess.Result create = user.pyro("workspace", "create", ENV, "--backend", "gvisor", "--json");
        assertThat(create.exitCode()).as(create.stderr()).isZero();
        JsonNode workspace = Json.MAPPER.readTree(create.stdout());
        String id = workspace.get("workspace_id").asString();
        assertThat(workspace.get("execution_mode").asString()).isEqualTo("guest_gvisor");
        assertThat(workspace.get("privilege").asString()).isEqualTo("rootless");
        CliProcess.Result exec = user.pyro("workspace", "exec", id, "--", "sh", "-c",
                "echo kept > /workspace/a; sleep 600 >/dev/null 2>&1 & id -un");
        assertThat(exec.exitCode()).as(exec.stderr()).isZero();
        assertThat(exec.stdout()).isEqualTo("root\n");

        long engine = Long.parseLong(Files.readString(user.home.resolve(".local/state/pyro/engine.pid")).trim());
        ProcessHandle.of(engine).orElseThrow().destroyForcibly();
        ProcessHandle.of(engine).ifPresent(p -> p.onExit().join());

        // A new engine joins the same namespace: the sandbox, its mounts and its socket are still there.
        CliProcess.Result after = user.pyro("workspace", "exec", id, "--", "sh", "-c", "cat /workspace/a; pgrep -c sleep");
        assertThat(after.exitCode()).as(after.stderr()).isZero();
        assertThat(after.stdout()).isEqualTo("kept\n1\n");

        // The engine and the namespace's keeper killed together: the sandbox still runs in a namespace
        // no engine can join; the next engine stops it (files kept) and a start runs it again.
        Path state = user.home.resolve(".local/state/pyro");
        long keeper = Long.parseLong(Files.readString(state.resolve("userns.pid")).trim());
        engine = Long.parseLong(Files.readString(state.resolve("engine.pid")).trim());
        for (long pid : List.of(engine, keeper)) {
            ProcessHandle.of(pid).ifPresent(p -> {
                p.children().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.onExit().join();
            });
        }
        CliProcess.Result lost = user.pyro("workspace", "exec", id, "--", "true");
        assertThat(lost.exitCode()).isNotZero();
        assertThat(lost.stderr()).contains("must be in 'started' state");
        assertThat(user.pyro("workspace", "start", id).exitCode()).isZero();
        CliProcess.Result back = user.pyro("workspace", "exec", id, "--", "cat", "/workspace/a");
        assertThat(back.stdout()).isEqualTo("kept\n");

        CliProcess.Result reset = user.pyro("workspace", "reset", id);
        assertThat(reset.exitCode()).as(reset.stderr()).isZero();
        CliProcess.Result gone = user.pyro("workspace", "exec", id, "--", "ls", "/workspace");
        assertThat(gone.stdout()).isEmpty();

        // The disk tools read the stopped workspace through the namespace: owners are the guest's.
        assertThat(user.pyro("workspace", "exec", id, "--", "sh", "-c", "echo x > /etc/marker").exitCode()).isZero();
        assertThat(user.pyro("workspace", "stop", id).exitCode()).isZero();
        Path disk = user.home.resolve("disk.ext4");
        CliProcess.Result export = user.pyro("workspace", "disk", "export", id, "--output", disk.toString());
        assertThat(export.exitCode()).as(export.stderr()).isZero();
        assertThat(OrdinaryUser.run(List.of("debugfs", "-R", "cat /etc/marker", disk.toString()))).contains("x");
        assertThat(OrdinaryUser.run(List.of("debugfs", "-R", "stat /var/cache/apt/archives/partial", disk.toString())))
                .containsPattern("User:\\s+42\\s");

        CliProcess.Result delete = user.pyro("workspace", "delete", id);
        assertThat(delete.exitCode()).as(delete.stderr()).isZero();
        assertThat(user.home.resolve(".local/state/pyro/workspaces/" + id)).doesNotExist();
    }

    @Test
    @Order(3)
    void pruneDeletesATreeOwnedBySubordinateIdsAndTheEngineRebuildsIt() throws Exception {
        Path stale = installDir().resolveSibling("debian_12-base-0.9.0");
        OrdinaryUser.run(List.of("cp", "-a", installDir().resolve("rootfs").toString(), stale.toString()));
        Files.writeString(installDir().resolve("environment.json"), "{"); // an invalid install
        CliProcess.Result prune = user.pyro("env", "prune", "--json");
        assertThat(prune.exitCode()).as(prune.stderr()).isZero();
        assertThat(prune.stdout()).contains("debian_12-base-0.9.0").contains("debian_12-base-1.0.0");
        assertThat(stale).doesNotExist();
        assertThat(installDir()).doesNotExist();

        // Built by the engine this time (root of the user's namespace: only a pid namespace added).
        CliProcess.Result run = user.pyro("run", ENV, "--backend", "gvisor", "--", "stat", "-c", "%U",
                "/var/cache/apt/archives/partial");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("_apt\n");
        String stat = OrdinaryUser.run(List.of("debugfs", "-R", "stat /var/cache/apt/archives/partial",
                installDir().resolve("rootfs.ext4").toString()));
        assertThat(stat).containsPattern("User:\\s+42\\s");
    }

    @Test
    @Order(4)
    void doctorSaysRootlessAndWhatIsWeaker() throws Exception {
        CliProcess.Result doctor = user.pyro("doctor", "--json", "--environment", ENV);
        assertThat(doctor.exitCode()).as(doctor.stderr()).isZero();
        JsonNode json = Json.MAPPER.readTree(doctor.stdout());
        assertThat(json.get("privilege").asString()).isEqualTo("rootless");
        assertThat(json.get("user_namespace").get("available").asBoolean()).isTrue();
        JsonNode gvisor = json.get("backends").get(1);
        assertThat(gvisor.get("name").asString()).isEqualTo("gvisor");
        assertThat(gvisor.get("available").asBoolean()).isTrue();
        assertThat(gvisor.get("detail").asString()).contains("rootless").contains("memory by the engine's watch").contains("CPU unbounded");
    }

    @Test
    @Order(5)
    void aGuestOverItsMemoryIsEndedByTheEngineWithTheReason() throws Exception {
        // Host cgroups are root's: the engine's GvisorMemoryWatch sums the sandbox's Pss and ends it.
        CliProcess.Result create = user.pyro("workspace", "create", ENV, "--backend", "gvisor", "--mem-mib", "256",
                "--id-only");
        assertThat(create.exitCode()).as(create.stderr()).isZero();
        String id = create.stdout().strip();
        try {
            long start = System.nanoTime();
            CliProcess.Result hog = user.pyro("workspace", "exec", id, "--timeout-seconds", "60", "--", "sh", "-c",
                    "dd if=/dev/zero of=/dev/shm/fill bs=1M count=512; echo wrote; sleep 30");
            long ms = (System.nanoTime() - start) / 1_000_000;
            CliProcess.Result status = user.pyro("workspace", "status", id);
            System.out.printf("rootless: 512 MiB into /dev/shm of a 256 MiB gVisor workspace: exit %d after %d ms; %s%n",
                    hog.exitCode(), ms, status.stdout().strip().replace('\n', ' '));
            assertThat(hog.exitCode()).isNotZero();
            // dd may finish first (seen: 512 MiB written in under a second, ended in the sleep at 538 MiB):
            // the watch looks once a second, so the peak can pass the limit by a second's allocation.
            assertThat(ms).isLessThan(10_000);
            assertThat(status.stdout()).contains("stopped").contains("memory");
            CliProcess.Result after = user.pyro("workspace", "exec", id, "--", "true");
            assertThat(after.stderr()).contains("memory");
        } finally {
            assertThat(user.pyro("workspace", "delete", id).exitCode()).isZero();
        }
    }

    @Test
    @Order(6)
    void forksStopAtThePidsLimitInsideGvisorAndTheWorkspaceKeepsAnswering() throws Exception {
        // runsc --ignore-cgroups drops the OCI pids limit; init's gVisor-internal pids cgroup holds it.
        CliProcess.Result create = user.pyro("workspace", "create", ENV, "--backend", "gvisor", "--id-only");
        assertThat(create.exitCode()).as(create.stderr()).isZero();
        String id = create.stdout().strip();
        try {
            // dash gives up (exit 2, "Cannot fork") at the first fork the limit refuses.
            CliProcess.Result bomb = user.pyro("workspace", "exec", id, "--timeout-seconds", "600", "--", "sh", "-c",
                    "i=0; while [ $i -lt 1100 ]; do sleep 600 >/dev/null 2>&1 & i=$((i+1)); done 2>/tmp/err");
            assertThat(bomb.exitCode()).as(bomb.stderr()).isEqualTo(2);
            // One process, started by the agent (outside the limited group): no fork inside is needed.
            CliProcess.Result seen = user.pyro("workspace", "exec", id, "--", "cat",
                    "/sys/fs/cgroup/pyro-workload/pids.max", "/tmp/err");
            assertThat(seen.exitCode()).as(seen.stderr()).isZero();
            assertThat(seen.stdout()).startsWith("1024\n").contains("Cannot fork");
            CliProcess.Result alive = user.pyro("workspace", "exec", id, "--", "echo", "alive");
            assertThat(alive.stdout()).isEqualTo("alive\n");
        } finally {
            assertThat(user.pyro("workspace", "delete", id).exitCode()).isZero();
        }
    }

    @Test
    @Order(7)
    void anAccountWithoutSubordinateIdsGetsOneLineAndNoHalfBuiltEnvironment() throws Exception {
        try (OrdinaryUser bare = OrdinaryUser.create(false)) {
            CliProcess.Result run = bare.pyro("run", ENV, "--backend", "gvisor", "--", "true");
            assertThat(run.exitCode()).isNotZero();
            assertThat(run.stderr().strip()).startsWith("error: user " + bare.name + " has no range of 65535")
                    .contains("sudo usermod --add-subuids").doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(run.stderr().strip().lines().count()).isEqualTo(1);
            assertThat(bare.home.resolve(".cache/pyro/environments/linux-x86_64")).satisfiesAnyOf(
                    p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
        }
    }
}
