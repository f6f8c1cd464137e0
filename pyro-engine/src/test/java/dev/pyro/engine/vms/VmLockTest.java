package dev.pyro.engine.vms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.Json;
import dev.pyro.api.PyroPaths;
import dev.pyro.api.vm.VmDeleteResult;
import dev.pyro.engine.backend.SandboxRecord;
import dev.pyro.engine.cache.CacheLock;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.provision.SandboxLocks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Operations on one VM take its {@link SandboxLocks} lock, as workspaces do: they wait for its
 * holder, and a stop racing a delete never writes the deleted VM's record back. No sandbox runs:
 * the VMs are stopped host-backend records planted as a killed engine would leave them.
 */
class VmLockTest {

    /** A thread of its own per task: a blocked waiter must not hold up the common pool's few workers. */
    static final Executor OWN_THREAD = task -> new Thread(task).start();

    Path state;
    PyroPaths paths;

    @BeforeEach
    void setUp() throws Exception {
        state = Files.createTempDirectory("pyro-vm-lock-");
        paths = new PyroPaths(state.resolve("cache"), state.resolve("state"), state.resolve("cache/environments"));
    }

    @AfterEach
    void tearDown() throws Exception {
        FileTrees.deleteRecursively(state);
    }

    Path vms() {
        return paths.stateDir().resolve("vms");
    }

    void plant(String vmId) throws Exception {
        Path dir = Files.createDirectories(vms().resolve(vmId));
        Path work = Files.createDirectories(dir.resolve("sandbox"));
        SandboxRecord sandbox = new SandboxRecord(vmId, "host", "host_compat", work, work.resolve("agent.sock"), 0,
                Map.of());
        Json.writeFile(dir.resolve("vm.json"), new VmInstance(vmId, "debian:12", "1", 1, 512, 600, 1, 2e10,
                VmInstance.STOPPED, false, true, null, sandbox));
    }

    @Test
    void aDeleteWaitsForTheHolderOfTheVmsLock() throws Exception {
        String id = "0123456789ab";
        plant(id);
        VmManager manager = new VmManager(paths, 8);
        CompletableFuture<VmDeleteResult> delete;
        try (CacheLock held = new SandboxLocks(paths.stateDir().resolve(".locks/vms")).lock(id)) {
            delete = CompletableFuture.supplyAsync(() -> manager.delete(id, "test"), OWN_THREAD);
            Thread.sleep(300);
            assertThat(delete).isNotDone();
            assertThat(vms().resolve(id).resolve("vm.json")).exists();
        }
        assertThat(delete.get(30, TimeUnit.SECONDS).deleted()).isTrue();
        assertThat(vms().resolve(id)).doesNotExist();
        // the lock files live outside vms/, which lists VMs only
        try (var names = Files.list(vms())) {
            assertThat(names.toList()).isEmpty();
        }
    }

    @Test
    void aStopRacingADeleteNeverBringsTheRecordBack() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String id = String.format("%012x", 0xa00000000000L + i);
            plant(id);
            ids.add(id);
        }
        VmManager manager = new VmManager(paths, 64);
        for (String id : ids) {
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<Object> stop = CompletableFuture.supplyAsync(() -> {
                await(go);
                try {
                    return manager.stop(id);
                } catch (RuntimeException e) {
                    return e; // deleted first: "does not exist"
                }
            }, OWN_THREAD);
            CompletableFuture<VmDeleteResult> delete = CompletableFuture.supplyAsync(() -> {
                await(go);
                return manager.delete(id, "test");
            }, OWN_THREAD);
            go.countDown();
            assertThat(delete.get(30, TimeUnit.SECONDS).deleted()).isTrue();
            Object stopped = stop.get(30, TimeUnit.SECONDS);
            if (stopped instanceof RuntimeException e) {
                assertThat(e).hasMessage("vm '" + id + "' does not exist");
            }
            assertThat(vms().resolve(id)).as(id).doesNotExist();
            assertThatThrownBy(() -> manager.status(id)).hasMessage("vm '" + id + "' does not exist");
        }
        assertThat(manager.list()).isEmpty();
    }

    @Test
    void aNewEngineRemovesTheLockFilesOfDeletedVmsOnly() throws Exception {
        String kept = "0123456789ab";
        String deleted = "ba9876543210";
        plant(kept);
        plant(deleted);
        VmManager first = new VmManager(paths, 8);
        first.delete(deleted, "explicit_delete"); // takes, then leaves, the lock file
        first.stop(kept);
        Path locks = paths.stateDir().resolve(".locks/vms");
        assertThat(locks.resolve(deleted + ".lock")).isRegularFile();
        assertThat(locks.resolve(kept + ".lock")).isRegularFile();
        first.close();

        new VmManager(paths, 8).close();
        assertThat(locks.resolve(deleted + ".lock")).doesNotExist();
        assertThat(locks.resolve(kept + ".lock")).isRegularFile();
    }

    private static void await(CountDownLatch go) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
