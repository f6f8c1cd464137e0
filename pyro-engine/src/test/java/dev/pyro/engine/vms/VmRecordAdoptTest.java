package dev.pyro.engine.vms;

import dev.pyro.api.vm.VmStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.backend.SandboxRecord;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A new engine adopts only VM records it could have written: in {@code vms/<id>} with that id,
 * a sandbox in {@code vms/<id>/sandbox}, and the host backend only where the record opted in.
 * Anything else is ignored (never deleted, never killed, never started): a record naming another
 * id would otherwise make delete remove {@code vms/<that id>}, which may be any path.
 */
class VmRecordAdoptTest {

    Path state;
    PyroPaths paths;

    @BeforeEach
    void setUp() throws Exception {
        state = Files.createTempDirectory("pyro-vm-adopt-");
        paths = new PyroPaths(state.resolve("cache"), state.resolve("state"), state.resolve("cache/environments"));
    }

    @AfterEach
    void tearDown() throws Exception {
        FileTrees.deleteRecursively(state);
    }

    void plant(String dirName, String vmId, String backend, boolean allowHost, Path workDir) throws Exception {
        Path dir = Files.createDirectories(paths.stateDir().resolve("vms").resolve(dirName));
        SandboxRecord sandbox = new SandboxRecord(vmId, backend, "x", workDir, workDir.resolve("agent.sock"), 0,
                Map.of());
        Json.writeFile(dir.resolve("vm.json"), new VmInstance(vmId, "debian:12", "1", 1, 512, 600, 1, 2e10,
                VmInstance.STOPPED, false, allowHost, null, sandbox));
    }

    @Test
    void onlyRecordsMatchingTheirDirAreAdopted() throws Exception {
        Path vms = paths.stateDir().resolve("vms");
        Path outside = Files.createDirectories(state.resolve("project"));
        plant("0123456789ab", "0123456789ab", "gvisor", false, vms.resolve("0123456789ab/sandbox"));
        plant("notes", "notes", "gvisor", false, vms.resolve("notes/sandbox"));
        plant("111111111111", "../../project", "gvisor", false, vms.resolve("111111111111/sandbox"));
        plant("222222222222", "222222222222", "gvisor", false, outside);
        plant("333333333333", "333333333333", "host", false, vms.resolve("333333333333/sandbox"));
        plant("444444444444", "444444444444", "host", true, vms.resolve("444444444444/sandbox"));

        VmManager manager = new VmManager(paths, 8);
        assertThat(manager.list()).extracting(VmStatus::vmId).containsExactlyInAnyOrder("0123456789ab", "444444444444");
        assertThat(manager.activeCount()).isEqualTo(2);
        assertThat(vms.resolve("notes/vm.json")).exists();
        assertThat(vms.resolve("111111111111/vm.json")).exists();
        assertThat(outside).isDirectory();
    }
}
