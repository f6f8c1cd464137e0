package dev.pyro.cli.rootless;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.api.Json;
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
 * The README's main job as an ordinary account from its own empty caches: {@code pyro run debian:12
 * -- git --version} builds the environment as that user (no root, no sudo) and runs the command in
 * a sandbox. Only the downloaded Debian packages come from the test run (downloads, not builds).
 */
@Tag("rootless")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RootlessRunTest {

    /** One account for the class: the first test builds its environment, the others reuse it. */
    OrdinaryUser user;

    @BeforeAll
    void setUp() throws Exception {
        user = OrdinaryUser.create("run");
        user.copyPackageCacheFromTestRun();
    }

    @AfterAll
    void tearDown() throws Exception {
        if (user != null) {
            user.close();
        }
    }

    @Test
    @Order(1)
    void runGitVersionFromEmptyCachesAsAnOrdinaryUser() throws Exception {
        assertThat(RootlessChecks.environmentEntries(user)).isEmpty();

        long started = System.nanoTime();
        OrdinaryUser.Result run = user.pyro("run", "debian:12", "--", "git", "--version");
        long firstRunMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.stdout()).startsWith("git version ");
        RootlessChecks.assertNoJavaInternals(run.stderr());
        System.out.println("[rootless] first pyro run debian:12 as " + user.name() + " (environment built): "
                + firstRunMs + " ms");
        assertThat(RootlessChecks.environmentEntries(user)).anyMatch(e -> e.startsWith("debian_12-"))
                .noneMatch(e -> e.startsWith(".partial"));
    }

    @Test
    @Order(2)
    void jsonSaysTheExecutionModeAndThatItRanRootless() throws Exception {
        long started = System.nanoTime();
        OrdinaryUser.Result json = user.pyro("run", "debian:12", "--json", "--", "git", "--version");
        System.out.println("[rootless] warm pyro run --json as " + user.name() + ": "
                + (System.nanoTime() - started) / 1_000_000 + " ms");
        assertThat(json.exitCode()).as(json.describe()).isZero();
        JsonNode payload = Json.MAPPER.readTree(json.stdout());
        assertThat(payload.get("stdout").asString()).startsWith("git version ");
        assertThat(payload.get("execution_mode").asString()).isIn("guest_gvisor", "guest_vm");
        // root and rootless differ in mechanism (limits, networking), so the payload says which this was
        assertThat(RootlessChecks.hasValue(payload, "rootless")).as(json.stdout()).isTrue();
    }

    /**
     * Files in the guest keep their real owners (group shadow, mail: subordinate ids on the host), and
     * on the host none belongs to another account.
     */
    @Test
    @Order(3)
    void guestFilesKeepTheirOwnersAndTheHostSeesOnlyTheUsersIds() throws Exception {
        OrdinaryUser.Result owners = user.pyro("run", "debian:12", "--", "stat", "-c", "%U:%G %n",
                "/etc/shadow", "/var/mail", "/etc/passwd", "/workspace");
        assertThat(owners.exitCode()).as(owners.describe()).isZero();
        assertThat(owners.stdout().lines().toList()).containsExactly("root:shadow /etc/shadow",
                "root:mail /var/mail", "root:root /etc/passwd", "root:root /workspace");
        assertThat(RootlessChecks.foreignOwners(user, user.home())).isEmpty();
        assertThat(user.stateDir()).isDirectory();
        assertThat(OrdinaryUser.mode(user.stateDir())).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
                java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
    }
}
