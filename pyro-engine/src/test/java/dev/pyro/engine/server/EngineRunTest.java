package dev.pyro.engine.server;

import dev.pyro.api.engine.Operations;
import dev.pyro.api.OutputListener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pyro.api.PyroException;
import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.Progress;
import dev.pyro.api.engine.CreateParams;
import dev.pyro.api.engine.ExecParams;
import dev.pyro.api.engine.RunParams;
import dev.pyro.api.engine.VmParams;
import dev.pyro.api.vm.VmDeleteResult;
import dev.pyro.api.vm.VmExecResult;
import dev.pyro.engine.vms.VmManager;
import dev.pyro.api.vm.VmNetworkInfo;
import dev.pyro.api.vm.VmRequest;
import dev.pyro.api.vm.VmStatus;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** One-shot VMs through the engine daemon on real gVisor sandboxes: streaming, results, errors. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EngineRunTest {

    static final VmRequest GVISOR = VmRequest.defaults(RealSandboxes.ENVIRONMENT).withBackend("gvisor").withSize(1, 256);

    EngineFixture fixture;
    EngineClient engine;

    @BeforeAll
    void setUp() throws Exception {
        RealSandboxes.assumeBackendWorks("gvisor");
        fixture = new EngineFixture();
        RealSandboxes.environment(fixture.paths);
        engine = fixture.client();
    }

    @AfterAll
    void tearDown() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    VmExecResult run(String command, Recorder recorder) {
        return engine.call(Operations.RUN_IN_VM.name(), new RunParams(GVISOR, command, 30), VmExecResult.class,
                recorder, recorder);
    }

    @Test
    void runStreamsPhasesAndOutputAsTheyHappenAndReturnsTheResult() throws Exception {
        Recorder recorder = new Recorder();
        VmExecResult result = run("echo first; sleep 1.5; echo second; echo oops >&2; exit 3", recorder);
        long returned = System.nanoTime();

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("first\nsecond\n");
        assertThat(result.stderr()).isEqualTo("oops\n");
        assertThat(result.backend()).isEqualTo("gvisor");
        assertThat(result.executionMode()).isEqualTo("guest_gvisor");
        assertThat(result.cleanup()).isEqualTo(new VmExecResult.Cleanup(result.vmId(), true, "post_exec_cleanup"));
        assertThat(recorder.stdout()).isEqualTo("first\nsecond\n");
        assertThat(recorder.stderr()).isEqualTo("oops\n");
        // "first" reached us while the command still slept: passed through live, not at the end.
        assertThat(recorder.stdoutChunks).isGreaterThanOrEqualTo(2);
        assertThat((returned - recorder.firstStdoutNanos) / 1_000_000).isGreaterThan(1_000);
        assertThat(recorder.phases).first().isEqualTo("create environment=debian:12");
        assertThat(recorder.phases).containsSubsequence("start vm_id=" + result.vmId(), "execute vm_id=" + result.vmId());
        assertThat(recorder.phaseNames()).last().isEqualTo("execute");
        assertThat(fixture.vmDirs()).doesNotContain(result.vmId());
    }

    @Test
    void binaryOutputSurvivesTheWire() {
        Recorder recorder = new Recorder();
        VmExecResult result = run("printf '\\000\\001\\377caf\\303\\251\\n'", recorder);
        assertThat(result.exitCode()).isZero();
        assertThat(recorder.stdout().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(new String(new byte[] {0, 1, (byte) 0xff, 'c', 'a', 'f', (byte) 0xc3, (byte) 0xa9, '\n'},
                        java.nio.charset.StandardCharsets.UTF_8).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void errorsKeepTheKindAndMessageOfTheInProcessEngine() throws Exception {
        try (EngineFixture other = new EngineFixture(); VmManager inProcess = new VmManager(other.paths, 4)) {
            assertSameError(c -> c.call(Operations.RUN_IN_VM.name(), new RunParams(GVISOR.withSize(9, 256), "true", 30),
                            VmExecResult.class),
                    m -> m.run(GVISOR.withSize(9, 256), "true", 30, Progress.NONE, OutputListener.NONE),
                    inProcess, PyroException.Kind.INVALID_INPUT, "vcpu_count must be between 1 and 8");
            assertSameError(c -> c.call(Operations.RUN_IN_VM.name(), new RunParams(GVISOR, "true", 0), VmExecResult.class),
                    m -> m.run(GVISOR, "true", 0, Progress.NONE, OutputListener.NONE),
                    inProcess, PyroException.Kind.INVALID_INPUT, "timeout_seconds must be positive");
            assertSameError(c -> c.call(Operations.STATUS_VM.name(), new VmParams("feedfacecafe"), VmStatus.class),
                    m -> m.status("feedfacecafe"),
                    inProcess, PyroException.Kind.INVALID_INPUT, "vm 'feedfacecafe' does not exist");
            VmRequest unknown = VmRequest.defaults("debian:99").withBackend("gvisor");
            assertSameError(c -> c.call(Operations.CREATE_VM.name(), new CreateParams(unknown), VmStatus.class),
                    m -> m.create(unknown, Progress.NONE), inProcess, PyroException.Kind.INVALID_INPUT, null);
            VmRequest noSuchBackend = GVISOR.withBackend("firecracker");
            assertSameError(c -> c.call(Operations.CREATE_VM.name(), new CreateParams(noSuchBackend), VmStatus.class),
                    m -> m.create(noSuchBackend, Progress.NONE), inProcess, PyroException.Kind.INVALID_INPUT,
                    "backend must be one of: auto, vm, gvisor, host (got 'firecracker')");
        }
    }

    private void assertSameError(Function<EngineClient, Object> remote, Function<VmManager, Object> local,
                                 VmManager inProcess, PyroException.Kind kind, String message) {
        PyroException expected = catchThrowableOfType(PyroException.class, () -> local.apply(inProcess));
        PyroException actual = catchThrowableOfType(PyroException.class, () -> remote.apply(engine));
        assertThat(expected).as("in-process error").isNotNull();
        assertThat(actual).as("engine error").isNotNull();
        assertThat(actual.kind()).isEqualTo(kind).isEqualTo(expected.kind());
        assertThat(actual.getMessage()).isEqualTo(expected.getMessage());
        if (message != null) {
            assertThat(actual.getMessage()).isEqualTo(message);
        }
    }

    @Test
    void createStartInspectExecThroughTheEngine() throws Exception {
        VmStatus created = engine.call(Operations.CREATE_VM.name(), new CreateParams(GVISOR), VmStatus.class);
        assertThat(created.state()).isEqualTo("created");
        assertThat(fixture.vmDirs()).contains(created.vmId());
        VmStatus started = engine.call(Operations.START_VM.name(), new VmParams(created.vmId()), VmStatus.class);
        assertThat(started.state()).isEqualTo("started");
        assertThat(engine.call(Operations.STATUS_VM.name(), new VmParams(created.vmId()), VmStatus.class))
                .isEqualTo(started);
        VmNetworkInfo network = engine.call(Operations.NETWORK_INFO_VM.name(), new VmParams(created.vmId()),
                VmNetworkInfo.class);
        assertThat(network.networkEnabled()).isFalse();

        VmExecResult result = engine.call(Operations.EXEC_VM.name(), new ExecParams(created.vmId(), "cat /etc/debian_version", 30),
                VmExecResult.class);
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).startsWith("12.");
        assertThat(result.cleanup().deleted()).isTrue();
        assertThat(fixture.vmDirs()).doesNotContain(created.vmId());

        VmStatus other = engine.call(Operations.CREATE_VM.name(), new CreateParams(GVISOR), VmStatus.class);
        engine.call(Operations.START_VM.name(), new VmParams(other.vmId()), VmStatus.class);
        assertThat(engine.call(Operations.STOP_VM.name(), new VmParams(other.vmId()), VmStatus.class).state())
                .isEqualTo("stopped");
        assertThat(engine.call(Operations.DELETE_VM.name(), new VmParams(other.vmId()), VmDeleteResult.class))
                .isEqualTo(new VmDeleteResult(other.vmId(), true, "explicit_delete"));
        assertThat(fixture.vmDirs()).doesNotContain(other.vmId());
    }
}
