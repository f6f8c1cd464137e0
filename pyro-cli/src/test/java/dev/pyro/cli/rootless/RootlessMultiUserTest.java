package dev.pyro.cli.rootless;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two ordinary users on one host: each has its own engine, state and caches, and neither can see
 * or touch the other's. The first user's home is made world-searchable (0755, the default of some
 * distributions) so that only Pyro's own owner-only modes stand between them.
 */
@Tag("rootless")
class RootlessMultiUserTest {

    /** Connects to a Unix socket: "connected", or "refused: REASON" and exit 3. */
    static final String CONNECT = """
            import java.net.UnixDomainSocketAddress;
            import java.nio.channels.SocketChannel;
            public class Connect {
                public static void main(String[] args) {
                    try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(args[0]))) {
                        System.out.println("connected");
                    } catch (Exception e) {
                        System.out.println("refused: " + e.getMessage());
                        System.exit(3);
                    }
                }
            }
            """;

    OrdinaryUser first;
    OrdinaryUser second;

    @BeforeEach
    void setUp() throws Exception {
        first = OrdinaryUser.create("usera");
        second = OrdinaryUser.create("userb");
        Files.setPosixFilePermissions(first.home(), PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
    }

    @Test
    void eachUserHasAnOwnEngineTheOtherCannotReach() throws Exception {
        for (OrdinaryUser user : List.of(first, second)) {
            OrdinaryUser.Result list = user.pyro("workspace", "list", "--json");
            assertThat(list.exitCode()).as(user.name() + ": " + list.describe()).isZero();
        }
        long firstEngine = enginePid(first);
        long secondEngine = enginePid(second);
        assertThat(firstEngine).isNotEqualTo(secondEngine);
        assertThat(processUid(firstEngine)).isEqualTo(first.uid());
        assertThat(processUid(secondEngine)).isEqualTo(second.uid());
        assertThat(OrdinaryUser.mode(first.stateDir())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(OrdinaryUser.mode(first.stateDir().resolve("engine.sock")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));

        Path socket = first.stateDir().resolve("engine.sock");
        for (List<String> look : List.of(List.of("ls", first.stateDir().toString()),
                List.of("cat", first.stateDir().resolve("engine.log").toString()),
                // caches hold what anyone may build (environments, kernels): readable like root's
                // today, but never writable by another account
                List.of("touch", first.cacheDir().resolve("planted").toString()),
                List.of("mkdir", first.cacheDir().resolve("environments/linux-x86_64").toString()))) {
            OrdinaryUser.Result r = second.run(look, Map.of(), Duration.ofSeconds(10));
            assertThat(r.exitCode()).as(String.join(" ", look) + " as the second user: " + r.describe()).isNotZero();
        }
        Path connect = second.writeFile("probe/Connect.java", CONNECT);
        OrdinaryUser.Result raw = second.run(List.of(second.pyroCommand().get(0), connect.toString(), socket.toString()),
                Map.of(), Duration.ofSeconds(60));
        assertThat(raw.stdout()).as(raw.describe()).startsWith("refused: ").contains("Permission denied");
        assertThat(raw.exitCode()).isEqualTo(3);

        // Pointed at the first user's state dir, the second user's CLI fails in one line and starts
        // nothing there; the first user's engine keeps serving.
        OrdinaryUser.Result pointed = second.run(second.pyroCommand("workspace", "list"),
                Map.of("PYRO_STATE_DIR", first.stateDir().toString()), Duration.ofMinutes(2));
        assertThat(pointed.exitCode()).as(pointed.describe()).isNotZero();
        assertThat(pointed.stdout()).isEmpty();
        assertThat(RootlessChecks.errorLines(pointed)).hasSize(1);
        RootlessChecks.assertNoJavaInternals(pointed.stderr());
        assertThat(enginePid(first)).isEqualTo(firstEngine);
        assertThat(first.pyro("workspace", "list").exitCode()).isZero();
    }

    @Test
    void aSecondUsersEngineNeverServesTheFirstUsersWorkspace() throws Exception {
        first.copyPackageCacheFromTestRun();
        OrdinaryUser.Result created = first.pyro("workspace", "create", "debian:12", "--id-only");
        assertThat(created.exitCode()).as(created.describe()).isZero();
        String id = created.stdout().trim();

        for (String[] args : List.of(new String[] {"workspace", "status", id},
                new String[] {"workspace", "exec", id, "--", "echo", "served"},
                new String[] {"workspace", "file", "read", id, "note.txt"},
                new String[] {"workspace", "delete", id})) {
            OrdinaryUser.Result r = second.pyro(args);
            assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.describe()).isEqualTo(2);
            assertThat(r.stderr()).contains("workspace '" + id + "' does not exist");
            assertThat(r.stdout()).doesNotContain("served");
        }
        assertThat(Json.MAPPER.readTree(second.pyro("workspace", "list", "--json").stdout()).get("count").asInt())
                .isZero();
        OrdinaryUser.Result mine = first.pyro("workspace", "exec", id, "--", "echo", "still here");
        assertThat(mine.exitCode()).as(mine.describe()).isZero();
        assertThat(mine.stdout()).isEqualTo("still here\n");
        assertThat(first.pyro("workspace", "delete", id).exitCode()).isZero();
    }

    private static long enginePid(OrdinaryUser user) throws Exception {
        return Long.parseLong(Files.readString(user.stateDir().resolve("engine.pid")).trim());
    }

    private static long processUid(long pid) throws Exception {
        return ((Number) Files.getAttribute(Path.of("/proc", Long.toString(pid)), "unix:uid")).longValue();
    }
}
