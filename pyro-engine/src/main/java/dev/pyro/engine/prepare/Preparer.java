package dev.pyro.engine.prepare;

import dev.pyro.api.Defaults;
import dev.pyro.api.OutputListener;
import dev.pyro.api.environment.DailyLoopReport;
import dev.pyro.api.environment.PrepareResult;
import dev.pyro.api.state.NetworkPolicy;
import dev.pyro.api.PyroException;
import dev.pyro.api.PyroPaths;
import dev.pyro.engine.environment.EnvironmentCatalog;
import dev.pyro.engine.environment.EnvironmentSpec;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.Progress;
import dev.pyro.engine.template.TemplateStatus;
import dev.pyro.api.workspace.WorkspaceExecResult;
import dev.pyro.api.workspace.WorkspaceInfo;
import dev.pyro.engine.workspace.WorkspaceManager;
import dev.pyro.api.workspace.WorkspaceRequest;
import dev.pyro.protocol.ErrorText;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.DoubleSupplier;

/**
 * {@code pyro prepare}: installs what the daily loop needs and proves it once on a throwaway
 * workspace (create, exec, reset, exec, delete; with network: on policy {@code egress}, checking the
 * guest's route out), then records the manifest. A warm manifest that satisfies the request is
 * reused unless forced.
 */
public final class Preparer {

    private final PyroPaths paths;
    private final WorkspaceManager workspaces;
    private final DoubleSupplier clock;

    public Preparer(PyroPaths paths, WorkspaceManager workspaces, DoubleSupplier clock) {
        this.paths = paths;
        this.workspaces = workspaces;
        this.clock = clock;
    }

    public PrepareResult prepare(String environment, boolean network, boolean force, String backend,
                                 Progress progress) {
        EnvironmentSpec spec = EnvironmentCatalog.get(environment);
        Path path = DailyLoop.manifestPath(paths, environment);
        DailyLoopReport before = DailyLoop.evaluate(paths, environment);
        // a prepared vm loop whose template went cold (a new kernel, agent or QEMU) is prepared again: that builds it
        if (!force && DailyLoopReport.WARM.equals(before.status()) && (!network || before.networkPrepared())
                && !TemplateStatus.COLD.equals(before.template())) {
            PrepareManifest manifest = DailyLoop.read(path);
            progress.phase("reused", "environment=" + environment);
            return new PrepareResult(environment, true, true, manifest.networkPrepared(), before.status(),
                    manifest.backend(), null, manifest.preparedAt(), manifest.lastPrepareDurationMs(), path.toString());
        }
        long started = System.nanoTime();
        progress.phase("prepare", "environment=" + environment + (network ? " network=yes" : ""));
        WorkspaceRequest request = WorkspaceRequest.defaults(environment)
                .withBackend(backend == null ? Defaults.BACKEND : backend, false)
                .withNetworkPolicy((network ? NetworkPolicy.EGRESS : NetworkPolicy.OFF).value())
                .withName("pyro-prepare");
        WorkspaceInfo ws = workspaces.create(request, progress);
        String probe = network ? "grep -q '^eth0[[:space:]]00000000' /proc/net/route" : "true";
        try {
            progress.phase("exec", "workspace_id=" + ws.workspaceId());
            check(workspaces.exec(ws.workspaceId(), probe, 60, OutputListener.NONE), "exec");
            progress.phase("reset", "workspace_id=" + ws.workspaceId());
            workspaces.reset(ws.workspaceId(), progress);
            check(workspaces.exec(ws.workspaceId(), probe, 60, OutputListener.NONE), "exec after reset");
        } finally {
            progress.phase("delete", "workspace_id=" + ws.workspaceId());
            workspaces.delete(ws.workspaceId());
        }
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        double now = clock.getAsDouble();
        PrepareManifest manifest = new PrepareManifest(PrepareManifest.LAYOUT_VERSION, environment, spec.version(),
                PyroPaths.PLATFORM, EnvironmentCatalog.CATALOG_VERSION, DailyLoop.bundleVersion(), now, network,
                durationMs, ws.backend(), DailyLoop.builtAt(paths, environment));
        try {
            DailyLoop.write(path, manifest);
        } catch (IOException e) {
            throw PyroException.runtime("cannot write the prepare manifest " + path + ": " + ErrorText.of(e), e);
        }
        return new PrepareResult(environment, true, false, network, DailyLoop.evaluate(paths, environment).status(),
                ws.backend(), ws.executionMode(), now, durationMs, path.toString());
    }

    private static void check(WorkspaceExecResult result, String step) {
        if (result.exitCode() != 0) {
            throw PyroException.runtime("prepare: " + step + " in the throwaway workspace failed (exit "
                    + result.exitCode() + "): " + result.stderr().strip(), null);
        }
    }
}
