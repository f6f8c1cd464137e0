package dev.pyro.cli.rootless;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.test.RootlessTest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An ordinary user without subordinate ids (no /etc/subuid and /etc/subgid line): building or
 * running fails with one line naming what is missing and the command that fixes it, never a stack
 * trace or a Java class name, and leaves no half-built environment; doctor says the same and still
 * exits normally.
 */
@RootlessTest
class RootlessMissingIdsTest {

    OrdinaryUser user;

    @BeforeEach
    void setUp() throws Exception {
        user = OrdinaryUser.create("noids");
        user.removeSubordinateIds();
        user.copyPackageCacheFromTestRun(); // so nothing but the missing ids can stop a build
    }

    @AfterEach
    void tearDown() throws Exception {
        if (user != null) {
            user.close();
        }
    }

    @Test
    void runAndPullNameTheMissingIdsAndTheFix() throws Exception {
        for (List<String> args : List.of(List.of("run", "debian:12", "--", "true"), List.of("env", "pull", "debian:12"))) {
            OrdinaryUser.Result r = user.pyro(args.toArray(String[]::new));
            assertThat(r.exitCode()).as(args + ": " + r.describe()).isNotZero();
            List<String> errors = RootlessChecks.errorLines(r);
            assertThat(errors).as(r.describe()).hasSize(1);
            // besides that line only plain progress ("[pull] phase=install", "phase=packages" come
            // first: measured): no warning or trace around it
            assertThat(r.stderr().strip().lines().filter(l -> !l.startsWith("[pull] phase=")).toList())
                    .as(r.describe()).containsExactlyElementsOf(errors);
            assertThat(errors.get(0)).contains("subordinate", user.name())
                    .contains("usermod --add-subuids").contains("--add-subgids");
            RootlessChecks.assertNoJavaInternals(r.stderr() + r.stdout());
            assertThat(RootlessChecks.environmentEntries(user)).as("left in the cache after " + args).isEmpty();
        }
    }

    @Test
    void doctorNamesTheMissingIdsAndExitsNormally() throws Exception {
        OrdinaryUser.Result doctor = user.pyro("doctor");
        assertThat(doctor.exitCode()).as(doctor.describe()).isZero();
        assertThat(doctor.stdout()).contains("subordinate").contains("usermod --add-subuids");
        RootlessChecks.assertNoJavaInternals(doctor.stdout() + doctor.stderr());
    }
}
