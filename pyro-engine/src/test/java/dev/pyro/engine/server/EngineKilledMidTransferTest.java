package dev.pyro.engine.server;

import dev.pyro.api.engine.Operations;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.api.engine.WorkspaceFileParams;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 A.9, for real: kill -9 of the engine daemon in the middle of an export and of a sync of
 * a large file. An export left an 89 MB {@code .pyro-export-*} directory beside its output; a sync
 * left a partial file in the guest (the old one already gone). Real gVisor sandboxes, a real daemon.
 */
class EngineKilledMidTransferTest {

    EngineFixture fixture;
    EngineClient client;
    final List<String> ids = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        RealSandboxes.assumeBackendWorks("gvisor");
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
        String id = EngineWorkspaces.create(client, "gvisor", 512);
        ids.add(id);
        return id;
    }

    /** Runs {@code call}, kills the engine once {@code when} holds, and returns a client of the next engine. */
    EngineClient killEngineWhen(Runnable call, java.util.function.BooleanSupplier when) throws Exception {
        long engine = fixture.pidFile();
        CompletableFuture<Void> inFlight = CompletableFuture.runAsync(call);
        EngineFixture.await("the moment to kill", Duration.ofSeconds(60), () -> when.getAsBoolean() || inFlight.isDone());
        assertThat(inFlight.isDone()).as("the call was still running when the engine was killed").isFalse();
        EngineFixture.kill9(engine);
        try {
            inFlight.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the call lost its engine: expected
        }
        EngineClient next = fixture.client();
        next.ping();
        client = next;
        return next;
    }

    static List<String> staging(Path dir) throws Exception {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".pyro-export-")).toList();
        }
    }

    @Test
    void anExportCutByKill9IsCleanedByTheNextExport() throws Exception {
        String id = create();
        EngineWorkspaces.exec(client, id, "mkdir -p out && head -c 300000000 /dev/urandom > out/big.bin"
                + " && echo small > note.txt", 120);
        Path exports = Files.createDirectories(fixture.state.resolve("exports"));
        EngineClient next = killEngineWhen(() -> client.call(Operations.EXPORT_WORKSPACE.name(),
                WorkspaceFileParams.of(id).export("out", exports.resolve("out").toString(), false), Object.class),
                () -> uncheckedStaging(exports).size() == 1 && stagedBytes(exports) > 1 << 20);
        assertThat(staging(exports)).as("what the killed export left").hasSize(1);
        assertThat(exports.resolve("out")).doesNotExist();
        next.call(Operations.EXPORT_WORKSPACE.name(),
                WorkspaceFileParams.of(id).export("note.txt", exports.resolve("note.txt").toString(), false), Object.class);
        assertThat(exports.resolve("note.txt")).hasContent("small");
        assertThat(staging(exports)).as("staging left after the next export").isEmpty();
    }

    @Test
    void aSyncCutByKill9LeavesTheOldFileNotAPartialOne() throws Exception {
        String id = create();
        EngineWorkspaces.exec(client, id, "mkdir -p pushed && echo old > pushed/big.bin", 30);
        Path source = Files.createDirectories(fixture.state.resolve("sync-source"));
        try (RandomAccessFile big = new RandomAccessFile(source.resolve("big.bin").toFile(), "rw")) {
            big.setLength(900L << 20); // sparse on the host, 900 MiB of zeros to send
        }
        EngineClient next = killEngineWhen(() -> client.call(Operations.PUSH_WORKSPACE_SYNC.name(),
                WorkspaceFileParams.of(id).sync(source.toString(), "/workspace/pushed"), Object.class),
                () -> guestTemporaryBytes(id) > 8 << 20);
        // the agent drops the temporary when it sees the connection end
        EngineFixture.await("the temporary file to go", Duration.ofSeconds(30),
                () -> EngineWorkspaces.exec(next, id, "ls -A pushed", 30).stdout().equals("big.bin\n"));
        assertThat(EngineWorkspaces.exec(next, id, "cat pushed/big.bin", 30).stdout()).isEqualTo("old\n");
    }

    /** Bytes in the guest's {@code .pyro-write-*} temporaries under pushed/ (asked through the engine being killed). */
    long guestTemporaryBytes(String id) {
        try {
            // stat, not cat: reading a growing 900 MiB temporary on every poll took longer than the
            // sync itself on a loaded host, so the poll never saw it (CI run of 2026-12-07)
            String out = EngineWorkspaces.exec(client, id,
                    "s=0; for f in pushed/.pyro-write-*; do [ -f \"$f\" ] && s=$(stat -c %s \"$f\"); done; echo $s",
                    30).stdout().trim();
            return Long.parseLong(out);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    static List<String> uncheckedStaging(Path dir) {
        try {
            return staging(dir);
        } catch (Exception e) {
            return List.of();
        }
    }

    static long stagedBytes(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (Exception e) {
            return 0;
        }
    }
}
