package dev.pyro.engine.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.Progress;
import dev.pyro.api.PyroPaths;
import dev.pyro.api.vm.VmRequest;
import dev.pyro.api.workspace.SecretSpec;
import dev.pyro.api.workspace.WorkspaceRequest;
import dev.pyro.engine.vms.VmManager;
import dev.pyro.engine.workspace.WorkspaceManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which error a create with several faults reports first, for both kinds on the one create path
 * ({@link Provisioner#provision}), and that none of them leaves a sandbox dir behind. Every fault
 * here is found before an environment is installed: no sandbox, no kernel, no environment.
 */
class ProvisionOrderTest {

    static final String ENV = "debian:12";

    @TempDir
    Path tmp;

    PyroPaths paths() {
        return new PyroPaths(tmp.resolve("cache"), tmp.resolve("state"), tmp.resolve("cache/environments"));
    }

    @Test
    void aWorkspaceReportsItsFaultsInTheOrderOfTheSequence() {
        WorkspaceManager full = new WorkspaceManager(paths(), 0, () -> 0);
        WorkspaceManager room = new WorkspaceManager(paths(), 4, () -> 0);
        WorkspaceRequest ok = WorkspaceRequest.defaults(ENV);
        Path noSeed = tmp.resolve("no-such-seed");
        List<SecretSpec> badSecret = List.of(SecretSpec.literal("1bad", "x"));

        // sizing before environment
        assertThatThrownBy(() -> room.create(WorkspaceRequest.defaults("alpine").withSize(0, 512, 600), Progress.NONE))
                .hasMessage("vcpu_count must be between 1 and 8");
        // environment before network policy
        assertThatThrownBy(() -> room.create(WorkspaceRequest.defaults("alpine").withNetworkPolicy("nope"), Progress.NONE))
                .hasMessageStartingWith("unknown environment 'alpine'");
        // policy before name, name before labels
        assertThatThrownBy(() -> room.create(ok.withNetworkPolicy("nope").withName(" "), Progress.NONE))
                .hasMessage("network_policy must be one of: off, egress, egress+published-ports");
        assertThatThrownBy(() -> room.create(ok.withName(" ").withLabels(Map.of("bad key", "x")), Progress.NONE))
                .hasMessage("name must not be empty");
        // labels before capacity
        assertThatThrownBy(() -> full.create(ok.withLabels(Map.of("bad key", "x")), Progress.NONE))
                .hasMessageContaining("label key 'bad key' is invalid");
        // capacity before the seed
        assertThatThrownBy(() -> full.create(ok.withSeed(noSeed), Progress.NONE))
                .hasMessage("max active VMs reached (0); delete old VMs first");
        // seed before secrets, secrets before the backend
        assertThatThrownBy(() -> room.create(ok.withSeed(noSeed).withSecrets(badSecret), Progress.NONE))
                .hasMessageContaining("seed_path");
        assertThatThrownBy(() -> room.create(ok.withSecrets(badSecret).withBackend("nope", false), Progress.NONE))
                .hasMessage("secret name must match ^[A-Za-z_][A-Za-z0-9_]{0,63}$");
        // the backend: unknown, host not opted into, host refused for workspaces
        assertThatThrownBy(() -> room.create(ok.withBackend("nope", false), Progress.NONE))
                .hasMessage("backend must be one of: auto, vm, gvisor, host (got 'nope')");
        assertThatThrownBy(() -> room.create(ok.withBackend("host", false), Progress.NONE))
                .hasMessageContaining("--allow-host-compat");
        assertThatThrownBy(() -> room.create(ok.withBackend("host", true), Progress.NONE))
                .hasMessage("workspaces need an isolating backend (vm or gvisor) in this release; "
                        + "the host backend serves only pyro run");

        assertThat(room.list().count()).isZero();
        Path root = tmp.resolve("state/workspaces");
        if (Files.isDirectory(root)) {
            assertThat(root.toFile().list((d, n) -> !n.startsWith("."))).isEmpty();
        }
    }

    @Test
    void aVmReportsItsFaultsInTheOrderOfTheSequence() {
        VmManager full = new VmManager(paths(), 0);
        VmManager room = new VmManager(paths(), 4);
        VmRequest ok = VmRequest.defaults(ENV);

        assertThatThrownBy(() -> room.create(VmRequest.defaults("alpine").withSize(0, 512), Progress.NONE))
                .hasMessage("vcpu_count must be between 1 and 8");
        assertThatThrownBy(() -> full.create(VmRequest.defaults("alpine"), Progress.NONE))
                .hasMessageStartingWith("unknown environment 'alpine'");
        assertThatThrownBy(() -> full.create(ok.withBackend("nope"), Progress.NONE))
                .hasMessage("max active VMs reached (0); delete old VMs first");
        assertThatThrownBy(() -> room.create(ok.withBackend("nope"), Progress.NONE))
                .hasMessage("backend must be one of: auto, vm, gvisor, host (got 'nope')");
        assertThatThrownBy(() -> room.create(ok.withBackend("host"), Progress.NONE))
                .hasMessageContaining("--allow-host-compat");

        assertThat(room.list()).isEmpty();
        assertThat(tmp.resolve("state/vms")).doesNotExist();
    }
}
