package dev.pyro.engine.vms;

import dev.pyro.api.vm.VmRequest;
import dev.pyro.api.OutputListener;
import dev.pyro.api.vm.ReapResult;
import dev.pyro.api.vm.VmExecResult;
import dev.pyro.api.vm.VmStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.PyroException;
import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one-shot VM rules of spec §7.1 on real gVisor sandboxes (the fastest backend here). */
class VmManagerTest {

    Path state;
    AtomicReference<Double> now = new AtomicReference<>(1_000_000.0);
    VmManager manager;
    VmRequest request = VmRequest.defaults(RealSandboxes.ENVIRONMENT).withBackend("gvisor").withSize(1, 256);

    @BeforeEach
    void setUp() throws Exception {
        RealSandboxes.assumeBackendWorks("gvisor");
        state = Files.createTempDirectory("pyro-vms-");
        manager = new VmManager(RealSandboxes.paths(state), 2, now::get);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (manager != null) {
            for (VmStatus vm : manager.list()) {
                manager.delete(vm.vmId(), "explicit_delete");
            }
            manager.close();
        }
        if (state != null) {
            FileTrees.deleteRecursively(state);
        }
    }

    @Test
    void createStartExecDeletesAfterOneCommand() {
        VmStatus created = manager.create(request, Progress.NONE);
        assertThat(created.state()).isEqualTo("created");
        assertThat(created.vmId()).matches("[0-9a-f]{12}");
        assertThat(created.expiresAt() - created.createdAt()).isEqualTo(600.0);
        assertThat(created.executionMode()).isEqualTo("guest_gvisor");
        assertThat(manager.status(created.vmId()).state()).isEqualTo("created");

        assertThatThrownBy(() -> manager.exec(created.vmId(), "true", 30, OutputListener.NONE))
                .hasMessage("vm " + created.vmId() + " must be in 'started' state before execution");
        assertThat(manager.start(created.vmId()).state()).isEqualTo("started");
        assertThatThrownBy(() -> manager.start(created.vmId()))
                .hasMessage("vm " + created.vmId() + " cannot be started from state 'started'");

        VmExecResult result = manager.exec(created.vmId(), "echo hi", 30, OutputListener.NONE);
        assertThat(result.stdout()).isEqualTo("hi\n");
        assertThat(result.cleanup()).isEqualTo(new VmExecResult.Cleanup(created.vmId(), true, "post_exec_cleanup"));
        assertThatThrownBy(() -> manager.status(created.vmId()))
                .hasMessage("vm '" + created.vmId() + "' does not exist");
        assertThat(state.resolve("vms").resolve(created.vmId())).doesNotExist();
    }

    @Test
    void stopAndStartAgain() {
        VmStatus vm = manager.create(request, Progress.NONE);
        manager.start(vm.vmId());
        assertThat(manager.stop(vm.vmId()).state()).isEqualTo("stopped");
        assertThat(manager.start(vm.vmId()).state()).isEqualTo("started");
        assertThat(manager.exec(vm.vmId(), "echo again", 30, OutputListener.NONE).stdout()).isEqualTo("again\n");
    }

    @Test
    void capacityCountsEveryVm() {
        manager.create(request, Progress.NONE);
        manager.create(request, Progress.NONE);
        assertThatThrownBy(() -> manager.create(request, Progress.NONE))
                .isInstanceOf(PyroException.class)
                .hasMessage("max active VMs reached (2); delete old VMs first");
    }

    @Test
    void expiredVmsAreReapedAndSaySo() {
        VmStatus vm = manager.create(request.withTtl(60), Progress.NONE);
        manager.start(vm.vmId());
        now.set(now.get() + 61);
        assertThatThrownBy(() -> manager.status(vm.vmId()))
                .hasMessage("vm '" + vm.vmId() + "' expired and was automatically deleted");
        assertThat(manager.list()).isEmpty();
        assertThat(state.resolve("vms").resolve(vm.vmId())).doesNotExist();

        VmStatus other = manager.create(request.withTtl(60), Progress.NONE);
        now.set(now.get() + 61);
        ReapResult reaped = manager.reapExpired();
        assertThat(reaped.deletedVmIds()).containsExactly(other.vmId());
        assertThat(reaped.count()).isEqualTo(1);
        // reaped earlier: still "expired", not "does not exist" (issue 17)
        assertThatThrownBy(() -> manager.status(other.vmId()))
                .hasMessage("vm '" + other.vmId() + "' expired and was automatically deleted");
        assertThatThrownBy(() -> manager.status(vm.vmId()))
                .hasMessage("vm '" + vm.vmId() + "' expired and was automatically deleted");
    }

    @Test
    void invalidRequestsCreateNothing() {
        assertThatThrownBy(() -> manager.create(request.withSize(0, 256), Progress.NONE))
                .hasMessage("vcpu_count must be between 1 and 8");
        assertThatThrownBy(() -> manager.create(request.withSize(1, 40000), Progress.NONE))
                .hasMessage("mem_mib must be between 256 and 32768");
        assertThatThrownBy(() -> manager.create(request.withTtl(3601), Progress.NONE))
                .hasMessage("ttl_seconds must be between 60 and 3600");
        assertThatThrownBy(() -> manager.create(VmRequest.defaults("alpine"), Progress.NONE))
                .hasMessageStartingWith("unknown environment 'alpine'");
        assertThat(manager.list()).isEmpty();
        assertThat(state.resolve("vms")).doesNotExist();
    }

    @Test
    void aNewManagerReadoptsRunningVmsAndStopsDeadOnes() throws Exception {
        VmStatus running = manager.create(request, Progress.NONE);
        manager.start(running.vmId());
        VmStatus dead = manager.create(request, Progress.NONE);
        manager.start(dead.vmId());
        // the second VM's sandbox dies while no engine is watching
        long pid = manager.backendOf(findRecord(dead.vmId()).sandbox()).isRunning(findRecord(dead.vmId()).sandbox())
                ? findRecord(dead.vmId()).sandbox().pid() : 0;
        assertThat(pid).isPositive();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        Thread.sleep(300);
        manager.close();

        VmManager next = new VmManager(RealSandboxes.paths(state), 2, now::get);
        manager = next;
        assertThat(next.status(running.vmId()).state()).isEqualTo("started");
        assertThat(next.status(dead.vmId()).state()).isEqualTo("stopped");
        assertThat(next.exec(running.vmId(), "echo still here", 30, OutputListener.NONE).stdout())
                .isEqualTo("still here\n");
    }

    private VmInstance findRecord(String vmId) throws Exception {
        return dev.pyro.api.Json.MAPPER.readValue(
                state.resolve("vms").resolve(vmId).resolve("vm.json").toFile(), VmInstance.class);
    }
}
