package dev.pyro.cli.rootless;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * Issue 2/8: a workspace's life as an ordinary account on real gVisor sandboxes, past what
 * {@link RootlessRunTest} proves: guest ids mapped to the account's subordinate ids (directory and
 * ext4 image), the engine surviving {@code kill -9} with its sandbox (and with the namespace's
 * keeper), reset, disk export keeping owners, prune of trees owned by subordinate ids and the
 * rebuild, and the pids limit inside gVisor. One account for the class: its environment build
 * (about a minute) is made once, by the first test.
 */
@Tag("rootless")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RootlessUserTest {

    private static final String ENV = "debian:12-base";
    private OrdinaryUser user;

    @BeforeAll
    void createAccount() throws Exception {
        user = OrdinaryUser.create("user");
        user.copyPackageCacheFromTestRun(); // downloads only: the account builds the environment itself
    }

    @AfterAll
    void removeAccount() throws Exception {
        if (user != null) {
            user.close();
        }
    }

    private Path installDir() {
        return user.cacheDir().resolve("environments/linux-x86_64/debian_12-base-1.0.0");
    }

    private static String debugfs(String request, Path image) throws Exception {
        return OrdinaryUser.root(List.of("debugfs", "-R", request, image.toString()));
    }

    @Test
    @Order(1)
    void guestIdsAreTheAccountsSubordinateIdsInTheDirectoryAndTheImage() throws Exception {
        long started = System.nanoTime();
        // env pull builds in the CLI process (an ordinary user: each step wrapped in the namespace).
        OrdinaryUser.Result pull = user.pyro("env", "pull", ENV);
        assertThat(pull.exitCode()).as(pull.describe()).isZero();
        OrdinaryUser.log("env pull " + ENV + " as " + user.name() + ": " + OrdinaryUser.millis(started) + " ms");
        OrdinaryUser.Result run = user.pyro("run", ENV, "--backend", "gvisor", "--", "sh", "-c",
                "id -u; stat -c %U /var/cache/apt/archives/partial; stat -c %G /var/log/wtmp; stat -c %U /etc/shadow");
        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.stdout()).isEqualTo("0\n_apt\nutmp\nroot\n");
        assertThat(run.stderr()).contains("execution_mode=guest_gvisor");

        // On the host the guest's _apt (42) is the account's subordinate id 41 (0 is the account).
        int apt = (Integer) Files.getAttribute(installDir().resolve("rootfs/var/cache/apt/archives/partial"), "unix:uid");
        long base = OrdinaryUser.ranges(Path.of("/etc/subuid"), user.name()).get(0).start();
        assertThat(apt).isEqualTo((int) (base + 42 - 1));
        // The vm image records the guest's ids (mke2fs -d ran inside the namespace).
        assertThat(debugfs("stat /var/cache/apt/archives/partial", installDir().resolve("rootfs.ext4")))
                .containsPattern("User:\\s+42\\s+Group:\\s+0\\b");
        assertThat(RootlessChecks.environmentEntries(user)).noneMatch(n -> n.startsWith(".partial"));
    }

    @Test
    @Order(2)
    void workspaceSurvivesKill9OfTheEngineAndOfItsKeeperThenResetAndDiskExport() throws Exception {
        OrdinaryUser.Result create = user.pyro("workspace", "create", ENV, "--backend", "gvisor", "--json");
        assertThat(create.exitCode()).as(create.describe()).isZero();
        JsonNode workspace = Json.MAPPER.readTree(create.stdout());
        String id = workspace.get("workspace_id").asString();
        assertThat(workspace.get("execution_mode").asString()).isEqualTo("guest_gvisor");
        assertThat(workspace.get("privilege").asString()).isEqualTo("rootless");
        OrdinaryUser.Result exec = user.pyro("workspace", "exec", id, "--", "sh", "-c",
                "echo kept > /workspace/a; sleep 600 >/dev/null 2>&1 & id -un");
        assertThat(exec.exitCode()).as(exec.describe()).isZero();
        assertThat(exec.stdout()).isEqualTo("root\n");

        Path state = user.stateDir();
        long engine = Long.parseLong(Files.readString(state.resolve("engine.pid")).trim());
        ProcessHandle.of(engine).orElseThrow().destroyForcibly();
        ProcessHandle.of(engine).ifPresent(p -> p.onExit().join());

        // A new engine joins the same namespace: the sandbox, its mounts and its socket are still there.
        OrdinaryUser.Result after = user.pyro("workspace", "exec", id, "--", "sh", "-c", "cat /workspace/a; pgrep -c sleep");
        assertThat(after.exitCode()).as(after.describe()).isZero();
        assertThat(after.stdout()).isEqualTo("kept\n1\n");

        // The engine and the namespace's keeper killed together: the sandbox still runs in a namespace
        // no engine can join; the next engine stops it (files kept) and a start runs it again.
        long keeper = Long.parseLong(Files.readString(state.resolve("userns.pid")).trim());
        engine = Long.parseLong(Files.readString(state.resolve("engine.pid")).trim());
        for (long pid : List.of(engine, keeper)) {
            ProcessHandle.of(pid).ifPresent(p -> {
                p.children().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.onExit().join();
            });
        }
        OrdinaryUser.Result lost = user.pyro("workspace", "exec", id, "--", "true");
        assertThat(lost.exitCode()).as(lost.describe()).isNotZero();
        assertThat(lost.stderr()).contains("must be in 'started' state");
        OrdinaryUser.Result start = user.pyro("workspace", "start", id);
        assertThat(start.exitCode()).as(start.describe()).isZero();
        OrdinaryUser.Result back = user.pyro("workspace", "exec", id, "--", "cat", "/workspace/a");
        assertThat(back.stdout()).as(back.describe()).isEqualTo("kept\n");

        OrdinaryUser.Result reset = user.pyro("workspace", "reset", id);
        assertThat(reset.exitCode()).as(reset.describe()).isZero();
        OrdinaryUser.Result gone = user.pyro("workspace", "exec", id, "--", "ls", "/workspace");
        assertThat(gone.stdout()).as(gone.describe()).isEmpty();

        // The disk tools read the stopped workspace through the namespace: owners are the guest's.
        OrdinaryUser.Result marker = user.pyro("workspace", "exec", id, "--", "sh", "-c", "echo x > /etc/marker");
        assertThat(marker.exitCode()).as(marker.describe()).isZero();
        OrdinaryUser.Result stop = user.pyro("workspace", "stop", id);
        assertThat(stop.exitCode()).as(stop.describe()).isZero();
        Path disk = user.home().resolve("disk.ext4");
        OrdinaryUser.Result export = user.pyro("workspace", "disk", "export", id, "--output", disk.toString());
        assertThat(export.exitCode()).as(export.describe()).isZero();
        assertThat(debugfs("cat /etc/marker", disk)).contains("x");
        assertThat(debugfs("stat /var/cache/apt/archives/partial", disk)).containsPattern("User:\\s+42\\s");

        OrdinaryUser.Result delete = user.pyro("workspace", "delete", id);
        assertThat(delete.exitCode()).as(delete.describe()).isZero();
        assertThat(state.resolve("workspaces/" + id)).doesNotExist();
    }

    @Test
    @Order(3)
    void pruneDeletesATreeOwnedBySubordinateIdsAndTheEngineRebuildsIt() throws Exception {
        Path stale = installDir().resolveSibling("debian_12-base-0.9.0");
        OrdinaryUser.root(List.of("cp", "-a", installDir().resolve("rootfs").toString(), stale.toString()));
        Files.writeString(installDir().resolve("environment.json"), "{"); // an invalid install
        OrdinaryUser.Result prune = user.pyro("env", "prune", "--json");
        assertThat(prune.exitCode()).as(prune.describe()).isZero();
        assertThat(prune.stdout()).contains("debian_12-base-0.9.0").contains("debian_12-base-1.0.0");
        assertThat(stale).doesNotExist();
        assertThat(installDir()).doesNotExist();

        // Built by the engine this time (root of the user's namespace: only a pid namespace added).
        OrdinaryUser.Result run = user.pyro("run", ENV, "--backend", "gvisor", "--", "stat", "-c", "%U",
                "/var/cache/apt/archives/partial");
        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.stdout()).isEqualTo("_apt\n");
        assertThat(debugfs("stat /var/cache/apt/archives/partial", installDir().resolve("rootfs.ext4")))
                .containsPattern("User:\\s+42\\s");
    }

    @Test
    @Order(4)
    void forksStopAtThePidsLimitInsideGvisorAndTheWorkspaceKeepsAnswering() throws Exception {
        // runsc --ignore-cgroups drops the OCI pids limit; init's gVisor-internal pids cgroup holds it.
        OrdinaryUser.Result create = user.pyro("workspace", "create", ENV, "--backend", "gvisor", "--id-only");
        assertThat(create.exitCode()).as(create.describe()).isZero();
        String id = create.stdout().strip();
        try {
            // dash gives up (exit 2, "Cannot fork") at the first fork the limit refuses.
            OrdinaryUser.Result bomb = user.pyro("workspace", "exec", id, "--timeout-seconds", "600", "--", "sh", "-c",
                    "i=0; while [ $i -lt 1100 ]; do sleep 600 >/dev/null 2>&1 & i=$((i+1)); done 2>/tmp/err");
            assertThat(bomb.exitCode()).as(bomb.describe()).isEqualTo(2);
            // One process, started by the agent (outside the limited group): no fork inside is needed.
            OrdinaryUser.Result seen = user.pyro("workspace", "exec", id, "--", "cat",
                    "/sys/fs/cgroup/pyro-workload/pids.max", "/tmp/err");
            assertThat(seen.exitCode()).as(seen.describe()).isZero();
            assertThat(seen.stdout()).startsWith("1024\n").contains("Cannot fork");
            OrdinaryUser.Result alive = user.pyro("workspace", "exec", id, "--", "echo", "alive");
            assertThat(alive.stdout()).as(alive.describe()).isEqualTo("alive\n");
        } finally {
            OrdinaryUser.Result delete = user.pyro("workspace", "delete", id);
            assertThat(delete.exitCode()).as(delete.describe()).isZero();
        }
    }

    @Test
    @Order(5)
    void aGuestOverItsMemoryIsEndedByTheEngineWithTheReason() throws Exception {
        // Host cgroups are root's: the engine's GvisorMemoryWatch sums the sandbox's Pss and ends it.
        OrdinaryUser.Result create = user.pyro("workspace", "create", ENV, "--backend", "gvisor", "--mem-mib", "256",
                "--id-only");
        assertThat(create.exitCode()).as(create.stderr()).isZero();
        String id = create.stdout().strip();
        try {
            long start = System.nanoTime();
            OrdinaryUser.Result hog = user.pyro("workspace", "exec", id, "--timeout-seconds", "60", "--", "sh", "-c",
                    "dd if=/dev/zero of=/dev/shm/fill bs=1M count=512; echo wrote; sleep 30");
            long ms = OrdinaryUser.millis(start);
            OrdinaryUser.Result status = user.pyro("workspace", "status", id);
            OrdinaryUser.log("512 MiB into /dev/shm of a 256 MiB gVisor workspace: exit " + hog.exitCode() + " after "
                    + ms + " ms; " + status.stdout().strip().replace('\n', ' '));
            assertThat(hog.exitCode()).isNotZero();
            // dd may finish first (seen: 512 MiB written in under a second, ended in the sleep at 538 MiB):
            // the watch looks once a second, so the peak can pass the limit by a second's allocation.
            // Under a loaded CI machine the CLI calls themselves take seconds: bound it loosely.
            assertThat(ms).isLessThan(25_000);
            assertThat(status.stdout()).contains("stopped").contains("memory");
            OrdinaryUser.Result after = user.pyro("workspace", "exec", id, "--", "true");
            assertThat(after.stderr()).contains("memory");
        } finally {
            assertThat(user.pyro("workspace", "delete", id).exitCode()).isZero();
        }
    }
}
