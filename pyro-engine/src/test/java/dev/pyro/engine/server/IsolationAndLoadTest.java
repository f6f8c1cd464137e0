package dev.pyro.engine.server;

import dev.pyro.api.engine.Operations;
import dev.pyro.api.engine.ServiceParams;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.api.engine.WorkspaceCreateParams;
import dev.pyro.api.engine.WorkspaceExecParams;
import dev.pyro.api.engine.WorkspaceFileParams;
import dev.pyro.api.engine.WorkspaceParams;
import dev.pyro.api.workspace.CommandEntry;
import dev.pyro.api.workspace.SecretSpec;
import dev.pyro.api.workspace.WorkspaceExecResult;
import dev.pyro.api.workspace.WorkspaceInfo;
import dev.pyro.api.workspace.WorkspaceLogs;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Isolation (policy off reaches nothing, host loopback included; the guest cannot read host files;
 * state is owner-only; a secret never reaches a host-side file) and load (8 clients on 4
 * workspaces through the real daemon), on gVisor.
 */
// Alone: its hostile guests and timed neighbours load the 2-core host on purpose, and other
// classes' sandboxes would both skew its figures and time out under it (vm subclasses included).
@org.junit.jupiter.api.parallel.Isolated
class IsolationAndLoadTest {

    static final String SECRET = "s3cr3t-value-8f2a91";

    EngineFixture fixture;
    EngineClient client;
    final List<String> ids = new ArrayList<>();

    /** The backend the cases run on; {@link IsolationAndLoadOnVmTest} runs them on {@code vm}. */
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
            ids.forEach(id -> EngineWorkspaces.deleteQuietly(client, id));
            fixture.close();
        }
    }

    @Test
    void policyOffReachesNothingTheHostStaysUnreadableAndSecretsStayInTheGuest() throws Exception {
        Path hostFile = Files.writeString(fixture.state.getParent().resolve("pyro-host-only-" + ProcessHandle.current().pid()),
                "host-only-content\n");
        try (ServerSocket loopback = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             ServerSocket any = new ServerSocket(0, 5, InetAddress.getByName("0.0.0.0"))) {
            WorkspaceInfo ws = client.call(Operations.CREATE_WORKSPACE.name(), new WorkspaceCreateParams(
                    EngineWorkspaces.request(backend(), 512).withSecrets(List.of(SecretSpec.literal("TOKEN", SECRET)))),
                    WorkspaceInfo.class);
            String id = ws.workspaceId();
            ids.add(id);
            assertThat(ws.networkEnabled()).isFalse();
            int refusedConnects = 0;
            for (String target : List.of("127.0.0.1/" + loopback.getLocalPort(), "127.0.0.1/" + any.getLocalPort(),
                    "10.0.2.2/" + any.getLocalPort(), "172.17.0.1/" + any.getLocalPort(), "198.18.0.1/80")) {
                String out = EngineWorkspaces.exec(client, id, "timeout 3 bash -c 'exec 3<>/dev/tcp/" + target
                        + "' 2>/dev/null; echo rc=$?", 30).stdout();
                assertThat(out).as(target).isNotEqualTo("rc=0\n");
                refusedConnects++;
            }
            String read = EngineWorkspaces.exec(client, id, "cat " + hostFile + " 2>&1; cat /proc/1/root" + hostFile
                    + " 2>&1; true", 30).stdout();
            assertThat(read).doesNotContain("host-only-content");

            // The secret in use: exec output, a service's logs, a failing file op's error.
            WorkspaceExecResult r = client.call(Operations.EXEC_WORKSPACE.name(), new WorkspaceExecParams(id,
                    "echo $T; echo $T >&2; echo $T > in-guest.txt", 30, Map.of("TOKEN", "T")), WorkspaceExecResult.class);
            assertThat(r.stdout()).isEqualTo("[REDACTED]\n");
            client.call(Operations.START_SERVICE.name(), new ServiceParams(id, "leaky", "echo $T; sleep 60",
                    null, null, 30, 100, Map.of("TOKEN", "T"), null, null, false), Object.class);
            Object logs = client.call(Operations.LOGS_SERVICE.name(), ServiceParams.of(id, "leaky"), Object.class);
            assertThat(dev.pyro.api.Json.MAPPER.writeValueAsString(logs)).doesNotContain(SECRET);
            try {
                client.call(Operations.READ_WORKSPACE_FILE.name(), WorkspaceFileParams.of(id).read(SECRET + ".txt", 10),
                        Object.class);
            } catch (RuntimeException e) {
                assertThat(e.getMessage()).doesNotContain(SECRET);
            }
            Object read2 = client.call(Operations.READ_WORKSPACE_FILE.name(), WorkspaceFileParams.of(id).read("in-guest.txt",
                    100), Object.class);
            // a file the guest wrote holds the value: reading it back is the guest's data, shown as is
            assertThat(dev.pyro.api.Json.MAPPER.writeValueAsString(read2)).contains("content");
            client.call(Operations.STOP_SERVICE.name(), ServiceParams.of(id, "leaky"), Object.class);

            // Every host-side file: records, journal, service records, review events, engine log.
            int scanned = 0;
            try (Stream<Path> files = Files.walk(fixture.state)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    String rel = fixture.state.relativize(f).toString();
                    if (rel.contains("/runtime/") || rel.endsWith(".secret")) {
                        continue; // the guest's own disk, and the 0600 secret copy the guest is given
                    }
                    String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    assertThat(text).as(rel).doesNotContain(SECRET);
                    scanned++;
                }
            }
            assertThat(fixture.state.resolve("engine.log")).exists();

            // Owner-only: the state dir, the socket, the secret copies.
            assertThat(Files.getPosixFilePermissions(fixture.state)).containsOnly(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
            assertThat(Files.getPosixFilePermissions(fixture.state.resolve("engine.sock")))
                    .doesNotContain(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
            try (Stream<Path> secrets = Files.list(fixture.state.resolve(Path.of("workspaces", id, "secrets")))) {
                for (Path s : secrets.toList()) {
                    assertThat(Files.getPosixFilePermissions(s)).containsOnly(PosixFilePermission.OWNER_READ,
                            PosixFilePermission.OWNER_WRITE);
                }
            }
            System.out.printf("isolation: %d connects refused with policy off, host file unreadable, "
                    + "secret absent from %d host files%n", refusedConnects, scanned);
        } finally {
            Files.deleteIfExists(hostFile);
        }
    }

    @Test
    void eightClientsOnFourWorkspacesLoseNoUpdate() throws Exception {
        int seconds = Integer.getInteger("pyro.load.seconds", 20);
        for (int i = 0; i < 4; i++) {
            ids.add(EngineWorkspaces.create(client, backend(), 512));
        }
        Map<String, List<Long>> latencies = new ConcurrentHashMap<>();
        AtomicInteger errors = new AtomicInteger();
        long until = System.currentTimeMillis() + seconds * 1000L;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> appended = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            int clientNo = c;
            String id = ids.get(c % 4);
            appended.add(pool.submit(() -> {
                EngineClient own = fixture.client();
                int n = 0;
                while (System.currentTimeMillis() < until) {
                    int op = n % 4;
                    long t0 = System.nanoTime();
                    try {
                        switch (op) {
                            case 0 -> EngineWorkspaces.exec(own, id, "echo " + clientNo + "-" + n + " >> client-"
                                    + clientNo + ".txt", 30);
                            case 1 -> own.call(Operations.WRITE_WORKSPACE_FILE.name(), WorkspaceFileParams.of(id)
                                    .write("w-" + clientNo + ".txt", "n=" + n), Object.class);
                            case 2 -> own.call(Operations.READ_WORKSPACE_FILE.name(), WorkspaceFileParams.of(id)
                                    .read("w-" + clientNo + ".txt", 100), Object.class);
                            default -> own.call(Operations.STATUS_WORKSPACE.name(), new WorkspaceParams(id),
                                    WorkspaceInfo.class);
                        }
                    } catch (RuntimeException e) {
                        if (!(op == 2 && n < 4)) { // the very first read may precede the first write
                            errors.incrementAndGet();
                            System.err.println("load: " + e);
                        }
                    }
                    latencies.computeIfAbsent(List.of("exec", "write", "read", "status").get(op),
                            k -> Collections.synchronizedList(new ArrayList<>())).add((System.nanoTime() - t0) / 1000);
                    n++;
                }
                return (n + 3) / 4; // execs that appended a line
            }));
        }
        int[] lines = new int[8];
        for (int c = 0; c < 8; c++) {
            lines[c] = appended.get(c).get();
        }
        pool.shutdown();
        int total = 0;
        for (int c = 0; c < 8; c++) {
            String id = ids.get(c % 4);
            List<String> got = EngineWorkspaces.exec(client, id, "cat client-" + c + ".txt", 30).stdout().lines().toList();
            List<String> expected = new ArrayList<>();
            for (int n = 0; n < lines[c] * 4; n += 4) expected.add(c + "-" + n);
            assertThat(got).as("client %d's lines", c).isEqualTo(expected);
            total += got.size();
        }
        for (String id : ids) {
            WorkspaceLogs logs = client.call(Operations.LOGS_WORKSPACE.name(), new WorkspaceParams(id), WorkspaceLogs.class);
            List<Integer> seq = logs.entries().stream().map(CommandEntry::sequence).toList();
            for (int i = 0; i < seq.size(); i++) assertThat(seq.get(i)).isEqualTo(i + 1);
        }
        assertThat(errors.get()).isZero();
        System.out.printf("load: 8 clients x 4 workspaces for %d s: %d appended lines all present, 0 lost updates, "
                + "%d protocol errors, journal sequences contiguous%n", seconds, total, errors.get());
        latencies.forEach((op, list) -> {
            List<Long> sorted = new ArrayList<>(list);
            Collections.sort(sorted);
            System.out.printf("  %-6s n=%5d p50=%6.1f ms p90=%6.1f ms p99=%6.1f ms max=%6.1f ms%n", op, sorted.size(),
                    pct(sorted, 50), pct(sorted, 90), pct(sorted, 99), sorted.get(sorted.size() - 1) / 1000.0);
        });
    }

    static double pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100)) / 1000.0;
    }
}
