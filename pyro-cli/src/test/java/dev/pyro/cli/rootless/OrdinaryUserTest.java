package dev.pyro.cli.rootless;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.test.RootlessTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The harness itself: the account is a real ordinary user with subordinate ids and a clean
 * environment, can run this build, and leaves nothing behind (processes, home, /etc/subuid lines,
 * /tmp files).
 */
@RootlessTest
class OrdinaryUserTest {

    @Test
    void anOrdinaryAccountRunsThisBuildAndIsRemovedWithoutATrace() throws Exception {
        OrdinaryUser user = OrdinaryUser.create("harness");
        String name = user.name();
        Path home = user.home();
        Process sleeper;
        try {
            assertThat(user.uid()).isPositive();
            assertThat(user.subordinateIds()).isNotEmpty().allSatisfy(r -> assertThat(r.count()).isGreaterThanOrEqualTo(65536));
            assertThat(OrdinaryUser.ranges(Path.of("/etc/subgid"), name)).isNotEmpty();

            OrdinaryUser.Result id = user.run(List.of("sh", "-c", "id -u; id -un; echo $HOME; env | sort | cut -d= -f1 | tr '\\n' ' '"),
                    Map.of(), Duration.ofSeconds(30));
            List<String> lines = id.stdout().lines().toList();
            assertThat(lines.subList(0, 3)).containsExactly(Long.toString(user.uid()), name, home.toString());
            // nothing of root's environment (JAVA_HOME, MAVEN_OPTS, PYRO_CACHE_DIR of the test run) leaks in
            assertThat(lines.get(3).split(" ")).contains("HOME", "PATH", "USER")
                    .isSubsetOf("HOME", "LANG", "LOGNAME", "PATH", "PWD", "PYRO_PROGRESS_PLAIN", "SHLVL", "USER", "_");
            // no capability survives the switch: an ordinary user cannot read root's files
            assertThat(user.run(List.of("cat", "/etc/shadow"), Map.of(), Duration.ofSeconds(10)).exitCode()).isNotZero();

            OrdinaryUser.Result version = user.pyro("--version");
            assertThat(version.exitCode()).as(version.describe()).isZero();
            assertThat(version.stdout()).startsWith("pyro ");
            assertThat(user.cacheDir()).doesNotExist(); // --version builds and caches nothing

            sleeper = user.start(List.of("sleep", "600"), Map.of());
            user.run(List.of("sh", "-c", "mkdir /tmp/" + name + "-left; touch /dev/shm/" + name + "-left"), Map.of(),
                    Duration.ofSeconds(10));
            assertThat(user.processes()).contains(sleeper.pid());
        } finally {
            user.close();
        }
        assertThat(sleeper.isAlive()).isFalse();
        assertThat(user.processes()).isEmpty();
        assertThat(home).doesNotExist();
        assertThat(Path.of("/tmp/" + name + "-left")).doesNotExist();
        assertThat(Path.of("/dev/shm/" + name + "-left")).doesNotExist();
        assertThat(Files.readString(Path.of("/etc/passwd"))).doesNotContain(name + ":");
        assertThat(Files.readString(Path.of("/etc/subuid"))).doesNotContain(name + ":");
        assertThat(Files.readString(Path.of("/etc/subgid"))).doesNotContain(name + ":");
    }

    @Test
    void subordinateIdsCanBeTakenAway() throws Exception {
        try (OrdinaryUser user = OrdinaryUser.create("nosub")) {
            user.removeSubordinateIds();
            assertThat(OrdinaryUser.ranges(Path.of("/etc/subuid"), user.name())).isEmpty();
            assertThat(OrdinaryUser.ranges(Path.of("/etc/subgid"), user.name())).isEmpty();
        }
    }
}
