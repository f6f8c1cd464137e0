package dev.pyro.sdk;

import dev.pyro.api.OutputListener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.PyroException;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.Progress;
import dev.pyro.api.vm.VmExecResult;
import dev.pyro.api.vm.VmRequest;
import dev.pyro.api.vm.VmStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SDK facade through the engine daemon ({@code Pyro.create}) and in-process ({@code Pyro.embedded}). */
class PyroDaemonTest {

    static final VmRequest GVISOR = VmRequest.defaults(SdkFixture.ENVIRONMENT).withBackend("gvisor").withSize(1, 256);

    SdkFixture fixture;

    @BeforeEach
    void setUp() throws Exception {
        SdkFixture.assumeGvisorWorks();
        fixture = new SdkFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void theDaemonAndTheEmbeddedEngineReturnTheSameRecords() throws Exception {
        List<String> phases = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        Progress progress = new Progress() {
            @Override
            public void phase(String phase, String detail) {
                phases.add(phase);
            }

            @Override
            public void step(long done, long total, String message) {
            }
        };
        OutputListener listener = new OutputListener() {
            @Override
            public void stdout(byte[] data) {
                out.append(new String(data, StandardCharsets.UTF_8));
            }

            @Override
            public void stderr(byte[] data) {
            }
        };
        VmExecResult daemon;
        try (Pyro pyro = Pyro.create(fixture.paths)) {
            daemon = pyro.runInVm(GVISOR, "uname -s; exit 4", 30, progress, listener);
        }
        assertThat(fixture.enginePid()).isNotZero().isNotEqualTo(ProcessHandle.current().pid());
        assertThat(out.toString()).isEqualTo("Linux\n");
        assertThat(phases).startsWith("create").endsWith("start", "execute");

        VmExecResult embedded;
        try (SdkFixture other = new SdkFixture(); Pyro pyro = Pyro.embedded(other.paths)) {
            embedded = pyro.runInVm(GVISOR, "uname -s; exit 4", 30);
            assertThat(other.enginePid()).as("no daemon for embedded mode").isZero();
        }
        assertThat(daemon).usingRecursiveComparison().ignoringFields("vmId", "durationMs", "cleanup.vmId")
                .isEqualTo(embedded);
        assertThat(daemon.exitCode()).isEqualTo(4);
    }

    @Test
    void vmOperationsThroughTheDaemon() {
        try (Pyro pyro = Pyro.create(fixture.paths)) {
            VmStatus created = pyro.createVm(GVISOR);
            assertThat(pyro.startVm(created.vmId()).state()).isEqualTo("started");
            assertThat(pyro.statusVm(created.vmId()).state()).isEqualTo("started");
            assertThat(pyro.networkInfoVm(created.vmId()).networkEnabled()).isFalse();
            assertThat(pyro.reapExpired().count()).isZero();
            VmExecResult result = pyro.execVm(created.vmId(), "echo hi", 30);
            assertThat(result.stdout()).isEqualTo("hi\n");
            assertThat(fixture.vmDirs()).isEmpty();
            assertThatThrownBy(() -> pyro.statusVm(created.vmId()))
                    .isInstanceOfSatisfying(PyroException.class,
                            e -> assertThat(e.kind()).isEqualTo(PyroException.Kind.INVALID_INPUT))
                    .hasMessage("vm '" + created.vmId() + "' does not exist");
            assertThatThrownBy(() -> pyro.runInVm(GVISOR.withSize(9, 256), "true", 30))
                    .isInstanceOfSatisfying(PyroException.class,
                            e -> assertThat(e.kind()).isEqualTo(PyroException.Kind.INVALID_INPUT))
                    .hasMessage("vcpu_count must be between 1 and 8");
        }
    }

    @Test
    void theEmbeddedEngineRefusesAStateDirTheDaemonOwns() {
        try (Pyro daemon = Pyro.create(fixture.paths)) {
            daemon.reapExpired(); // starts the daemon
        }
        try (Pyro embedded = Pyro.embedded(fixture.paths)) {
            assertThatThrownBy(embedded::reapExpired)
                    .isInstanceOfSatisfying(PyroException.class,
                            e -> assertThat(e.kind()).isEqualTo(PyroException.Kind.RUNTIME))
                    .hasMessageContaining("another pyro engine manages " + fixture.state);
        }
    }

    @Test
    void interruptingAClientProcessDeletesItsVm() throws Exception {
        Process client = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), RunUntilKilled.class.getName(), fixture.state.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("running");
            assertThat(fixture.vmDirs()).hasSize(1);
            // What Ctrl-C does to `pyro run`: SIGINT, the JVM exits, the engine sees the socket close.
            new ProcessBuilder("kill", "-INT", Long.toString(client.pid())).start().waitFor();
            if (!client.waitFor(5, TimeUnit.SECONDS)) {
                // SIGINT is ignored where the test JVM inherited SIG_IGN (a background job): a
                // client killed outright closes its socket just the same.
                client.destroyForcibly();
                assertThat(client.waitFor(10, TimeUnit.SECONDS)).isTrue();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!fixture.vmDirs().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(fixture.vmDirs()).isEmpty();
        } finally {
            client.destroyForcibly();
        }
    }

    @Test
    void interruptingTheCallingThreadCancelsTheRunAndDeletesItsVm() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch running = new CountDownLatch(1);
        Thread caller = new Thread(() -> {
            try (Pyro pyro = Pyro.create(fixture.paths)) {
                pyro.runInVm(GVISOR, "echo running; sleep 60", 120, Progress.NONE, new OutputListener() {
                    @Override
                    public void stdout(byte[] data) {
                        running.countDown();
                    }

                    @Override
                    public void stderr(byte[] data) {
                    }
                });
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        caller.start();
        assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(fixture.vmDirs()).hasSize(1);
        caller.interrupt();
        caller.join(10_000);
        assertThat(failure.get()).isInstanceOf(PyroException.class)
                .hasMessageStartingWith("interrupted while the pyro engine handled run_in_vm");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!fixture.vmDirs().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(fixture.vmDirs()).isEmpty();
    }
}
