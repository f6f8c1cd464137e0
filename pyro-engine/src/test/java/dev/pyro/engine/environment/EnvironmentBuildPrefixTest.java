package dev.pyro.engine.environment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.host.HostPrivilege;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What wraps mmdebstrap for each privilege (the real rootless builds: dev.pyro.cli.rootless.RootlessUserTest in pyro-cli). */
class EnvironmentBuildPrefixTest {

    @Test
    void rootRunsMmdebstrapAsToday() {
        assertThat(EnvironmentBuilder.buildPrefix(HostPrivilege.ROOT)).isEmpty();
    }

    @Test
    void rootOfTheUsersNamespaceAddsOnlyAPidNamespaceWithItsOwnProc() {
        assertThat(EnvironmentBuilder.buildPrefix(HostPrivilege.USER_NAMESPACE))
                .containsExactly("unshare", "--pid", "--fork", "--mount-proc", "--");
    }

    @Test
    void anOrdinaryUserIsFirstMappedOntoItsSubordinateIds() {
        List<String> prefix = EnvironmentBuilder.buildPrefix(HostPrivilege.USER);
        if (HostPrivilege.current() == HostPrivilege.USER) {
            assertThat(prefix).endsWith("--map-root-user", "--map-auto", "--mount", "--propagation", "private", "--",
                    "unshare", "--pid", "--fork", "--mount-proc", "--");
        } else {
            // UserNamespace.command leaves argv alone where this process can mount already.
            assertThat(prefix).containsExactly("unshare", "--pid", "--fork", "--mount-proc", "--");
        }
    }
}
