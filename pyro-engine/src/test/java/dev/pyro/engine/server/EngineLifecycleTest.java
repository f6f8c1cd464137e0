package dev.pyro.engine.server;

import dev.pyro.api.engine.Operations;
import dev.pyro.api.engine.EnvironmentParams;
import static dev.pyro.engine.server.EngineFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.PyroException;
import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.api.environment.EnvironmentInfo;
import dev.pyro.api.Json;
import dev.pyro.api.engine.EngineInfo;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Starting, sharing, replacing and stopping the engine daemon; no sandboxes needed. */
class EngineLifecycleTest {

    EngineFixture fixture;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new EngineFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    void theFirstClientStartsTheEngineAndTheNextReusesIt() {
        assertThat(fixture.engineProcesses()).isEmpty();
        EngineInfo first = fixture.client().ping();
        assertThat(first.pid()).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(first.pid()).isEqualTo(fixture.pidFile());
        assertThat(first.stateDir()).isEqualTo(fixture.state.toString());
        assertThat(first.protocol()).isEqualTo(EngineProtocol.VERSION);
        assertThat(fixture.engineProcesses()).extracting(ProcessHandle::pid).containsExactly(first.pid());

        EngineInfo second = fixture.client().ping();
        assertThat(second.pid()).isEqualTo(first.pid());
        assertThat(second.startedAt()).isEqualTo(first.startedAt());
    }

    @Test
    void racingClientsEndWithOneEngine() throws Exception {
        int clients = 6;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Long>> pids = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            pids.add(pool.submit(() -> {
                go.await();
                return fixture.client().ping().pid();
            }));
        }
        go.countDown();
        List<Long> seen = new ArrayList<>();
        for (Future<Long> pid : pids) {
            seen.add(pid.get(30, TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertThat(seen).containsOnly(seen.get(0));
        // Engines that lost the race for the lock see the winner answering and exit quietly.
        await("one engine process left", Duration.ofSeconds(10), () -> fixture.engineProcesses().size() == 1);
        assertThat(fixture.engineProcesses().get(0).pid()).isEqualTo(seen.get(0));
    }

    @Test
    void theStateDirAndSocketAreOwnerOnly() throws Exception {
        Files.setPosixFilePermissions(fixture.state, PosixFilePermissions.fromString("rwxr-xr-x"));
        fixture.client().ping();
        EngineFiles files = fixture.files();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fixture.state))).isEqualTo("rwx------");
        assertThat(Files.getAttribute(files.socket(), "unix:mode")).isInstanceOf(Integer.class);
        assertThat(((Integer) Files.getAttribute(files.socket(), "unix:mode")) & 0777).isEqualTo(0600);
        for (var file : List.of(files.lock(), files.pid(), files.log())) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString())
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void anIdleEngineExitsAndTheNextClientStartsAnother() throws Exception {
        EngineInfo first = fixture.client(Map.of("PYRO_ENGINE_IDLE_SECONDS", "1")).ping();
        await("the idle engine to exit", Duration.ofSeconds(10),
                () -> ProcessHandle.of(first.pid()).map(p -> !p.isAlive()).orElse(true));
        assertThat(fixture.files().socket()).doesNotExist();
        assertThat(fixture.files().pid()).doesNotExist();
        assertThat(Files.readString(fixture.files().log())).contains("with no VMs and no clients; stopping");

        EngineInfo second = fixture.client().ping();
        assertThat(second.pid()).isNotEqualTo(first.pid());
    }

    @Test
    void badEngineSettingsFailInTheClient() {
        assertThatThrownBy(() -> fixture.client(Map.of("PYRO_ENGINE_IDLE_SECONDS", "soon")).ping())
                .isInstanceOfSatisfying(PyroException.class,
                        e -> assertThat(e.kind()).isEqualTo(PyroException.Kind.INVALID_INPUT))
                .hasMessage("PYRO_ENGINE_IDLE_SECONDS must be a whole number, not 'soon'");
        assertThat(fixture.engineProcesses()).isEmpty();
    }

    @Test
    void anEngineWhoseSocketDisappearsStops() throws Exception {
        long pid = fixture.client().ping().pid();
        // What a test deleting its temp state dir does to an engine it left running.
        Files.delete(fixture.files().socket());
        await("the unreachable engine to exit", Duration.ofSeconds(10),
                () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void sigtermStopsTheEngineCleanly() throws Exception {
        long pid = fixture.client().ping().pid();
        ProcessHandle.of(pid).orElseThrow().destroy();
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
        assertThat(fixture.files().socket()).doesNotExist();
        assertThat(fixture.files().pid()).doesNotExist();
    }

    @Test
    void shutdownStopsTheEngineAndReleasesEverything() throws Exception {
        long pid = fixture.client().ping().pid();
        assertThat(fixture.client().shutdown()).isTrue();
        // The engine is this JVM's child: until Java reaps it, an exited engine is a zombie that
        // isAlive() still reports, so wait for the reaped exit rather than sample isAlive().
        assertThat(exitedWithin(pid, 30)).isTrue(); // generous: a loaded 2-core host reaps slowly
        assertThat(fixture.files().socket()).doesNotExist();
        assertThat(fixture.client().shutdown()).as("nothing left to stop, and nothing started").isFalse();
        assertThat(fixture.engineProcesses()).isEmpty();
    }

    @Test
    void aClientBuiltFromOtherCodeReplacesTheEngine() throws Exception {
        long stale = fixture.client().ping().pid();
        EngineClient newer = new EngineClient(fixture.paths, Map.of(), "some-other-build");
        long current = newer.ping().pid();
        assertThat(current).isNotEqualTo(stale);
        assertThat(exitedWithin(stale, 10)).isTrue();
        assertThat(fixture.engineProcesses()).extracting(ProcessHandle::pid).containsExactly(current);
    }

    @Test
    void aSecondEngineExitsQuietlyWhileTheFirstServes() throws Exception {
        long first = fixture.client().ping().pid();
        ProcessBuilder second = new ProcessBuilder(
                ProcessHandle.current().info().command().orElseThrow(), "-cp", System.getProperty("java.class.path"),
                EngineMain.class.getName()).redirectErrorStream(true);
        second.environment().put("PYRO_STATE_DIR", fixture.state.toString());
        Process process = second.start();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEmpty();
        assertThat(fixture.client().ping().pid()).isEqualTo(first);
        assertThat(Files.readString(fixture.files().log())).contains("another engine already serves");
    }

    @Test
    void unknownMethodsAndMalformedRequestsAreInvalidInput() throws Exception {
        assertThatThrownBy(() -> fixture.client().call("no_such_method", Map.of(), Object.class))
                .isInstanceOfSatisfying(PyroException.class,
                        e -> assertThat(e.kind()).isEqualTo(PyroException.Kind.INVALID_INPUT))
                .hasMessage("unknown engine method 'no_such_method'");
        assertThatThrownBy(() -> fixture.client().call(Operations.STATUS_VM.name(), Map.of(), Object.class))
                .hasMessage("engine request is missing 'vm_id'");

        try (SocketChannel channel = EngineSocket.connect(fixture.files().socket())) {
            channel.write(ByteBuffer.wrap("{not json\n".getBytes(StandardCharsets.UTF_8)));
            BufferedReader reader = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                    StandardCharsets.UTF_8));
            JsonNode answer = Json.MAPPER.readTree(reader.readLine());
            assertThat(answer.path("error").path("kind").asString()).isEqualTo("INVALID_INPUT");
            assertThat(answer.path("error").path("message").asString()).startsWith("malformed engine request");
            assertThat(reader.readLine()).isNull();
        }
    }

    /** Before, an oversized request was dropped unanswered and the client retried it five times. */
    @Test
    void anOversizedRequestIsAnsweredNotDropped() throws Exception {
        byte[] big = new byte[EngineProtocol.MAX_REQUEST_BYTES + 1024];
        java.util.Arrays.fill(big, (byte) 'a');
        big[big.length - 1] = '\n';
        long pid = fixture.client().ping().pid(); // starts the engine
        try (SocketChannel channel = EngineSocket.connect(fixture.files().socket())) {
            ByteBuffer buffer = ByteBuffer.wrap(big);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                    StandardCharsets.UTF_8));
            assertThat(Json.MAPPER.readTree(reader.readLine()).path("event").asString()).isEqualTo("accepted");
            JsonNode answer = Json.MAPPER.readTree(reader.readLine());
            assertThat(answer.path("error").path("kind").asString()).isEqualTo("INVALID_INPUT");
            assertThat(answer.path("error").path("message").asString()).startsWith(
                    "the request is larger than the engine's limit of " + EngineProtocol.MAX_REQUEST_BYTES + " bytes");
        }
        // the client refuses such a request itself, at once, with what to do
        long started = System.nanoTime();
        assertThatThrownBy(() -> fixture.client().call(Operations.STATUS_VM.name(),
                Map.of("vm_id", "x".repeat(EngineProtocol.MAX_REQUEST_BYTES)), Object.class))
                .isInstanceOfSatisfying(PyroException.class,
                        e -> assertThat(e.kind()).isEqualTo(PyroException.Kind.INVALID_INPUT))
                .hasMessageContaining("over the engine's limit of " + EngineProtocol.MAX_REQUEST_BYTES
                        + " bytes; send less at once");
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(5_000);
        assertThat(fixture.client().ping().pid()).isEqualTo(pid); // and the same engine serves on
    }

    @Test
    void theEngineServesEnvironmentOperations() {
        RealSandboxes.environment(fixture.paths); // installed once per machine
        EngineClient client = fixture.client();
        EnvironmentInfo info = client.call(Operations.INSPECT_ENVIRONMENT.name(),
                new EnvironmentParams(RealSandboxes.ENVIRONMENT, false), EnvironmentInfo.class);
        assertThat(info).isEqualTo(new EnvironmentOperations(fixture.paths).inspect(RealSandboxes.ENVIRONMENT));
        assertThat(info.installed()).isTrue();
        List<?> all = client.call(Operations.LIST_ENVIRONMENTS.name(), Map.of(), List.class);
        assertThat(all).hasSameSizeAs(new EnvironmentOperations(fixture.paths).list());
        assertThatThrownBy(() -> client.call(Operations.INSPECT_ENVIRONMENT.name(),
                new EnvironmentParams("debian:99", false), EnvironmentInfo.class))
                .isInstanceOfSatisfying(PyroException.class,
                        e -> assertThat(e.kind()).isEqualTo(PyroException.Kind.INVALID_INPUT));
    }

    private static boolean exitedWithin(long pid, int seconds) throws Exception {
        java.util.Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            return true;
        }
        try {
            handle.get().onExit().get(seconds, TimeUnit.SECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        }
    }
}
