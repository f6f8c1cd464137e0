package dev.pyro.engine.prepare;

import dev.pyro.api.environment.DailyLoopReport;
import dev.pyro.api.environment.PrepareResult;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.api.Json;
import dev.pyro.api.Progress;
import dev.pyro.engine.workspace.WorkspaceManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** {@code pyro prepare} on a real gVisor sandbox: prepared, then reused, then forced; stale when the record drifts. */
class PreparerTest {

    @Test
    void preparedThenReusedThenForcedAndStaleAfterDrift() throws Exception {
        RealSandboxes.assumeBackendWorks("gvisor");
        Path root = Files.createTempDirectory("pyro-prepare-");
        PyroPaths shared = RealSandboxes.paths(root.resolve("state"));
        // A private prepare record in a private cache dir, the shared environments.
        PyroPaths paths = new PyroPaths(root.resolve("cache"), shared.stateDir(), shared.environmentCacheDir());
        WorkspaceManager manager = new WorkspaceManager(paths, 4, () -> 0);
        Preparer preparer = new Preparer(paths, manager, () -> 1000.0);
        try {
            List<String> phases = new ArrayList<>();
            Progress record = new Progress() {
                @Override
                public void phase(String phase, String detail) {
                    phases.add(phase);
                }

                @Override
                public void step(long done, long total, String message) {
                }
            };
            assertThat(DailyLoop.evaluate(paths, RealSandboxes.ENVIRONMENT).status()).isEqualTo("cold");

            PrepareResult first = preparer.prepare(RealSandboxes.ENVIRONMENT, false, false, "gvisor", record);
            assertThat(first.prepared()).isTrue();
            assertThat(first.reused()).isFalse();
            assertThat(first.status()).isEqualTo("warm");
            assertThat(first.backend()).isEqualTo("gvisor");
            assertThat(phases).contains("prepare", "exec", "reset", "delete");
            assertThat(manager.list().count()).isZero(); // the throwaway workspace is gone

            phases.clear();
            PrepareResult second = preparer.prepare(RealSandboxes.ENVIRONMENT, false, false, "gvisor", record);
            assertThat(second.reused()).isTrue();
            assertThat(second.prepared()).isTrue();
            assertThat(phases).containsExactly("reused");

            PrepareResult forced = preparer.prepare(RealSandboxes.ENVIRONMENT, false, true, "gvisor", record);
            assertThat(forced.reused()).isFalse();

            Path manifest = DailyLoop.manifestPath(paths, RealSandboxes.ENVIRONMENT);
            ObjectNode node = (ObjectNode) Json.MAPPER.readTree(Files.readString(manifest));
            Files.writeString(manifest, Json.MAPPER.writeValueAsString(node.put("environment_built_at", 1.0)));
            DailyLoopReport stale = DailyLoop.evaluate(paths, RealSandboxes.ENVIRONMENT);
            assertThat(stale.status()).isEqualTo("stale");
            assertThat(stale.reason()).isEqualTo("environment was rebuilt since the last prepare run");
            assertThat(preparer.prepare(RealSandboxes.ENVIRONMENT, false, false, "gvisor", record).reused()).isFalse();
            assertThat(DailyLoop.evaluate(paths, RealSandboxes.ENVIRONMENT).status()).isEqualTo("warm");
        } finally {
            manager.list().workspaces().forEach(w -> manager.delete(w.workspaceId()));
            manager.close();
            FileTrees.deleteRecursively(root);
        }
    }
}
