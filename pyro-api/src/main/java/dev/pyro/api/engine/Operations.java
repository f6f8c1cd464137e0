package dev.pyro.api.engine;

import dev.pyro.api.environment.EnvironmentInfo;
import dev.pyro.api.environment.PrepareResult;
import dev.pyro.api.environment.PruneResult;
import dev.pyro.api.vm.ReapResult;
import dev.pyro.api.vm.VmDeleteResult;
import dev.pyro.api.vm.VmExecResult;
import dev.pyro.api.vm.VmNetworkInfo;
import dev.pyro.api.vm.VmStatus;
import dev.pyro.api.workspace.SnapshotCreated;
import dev.pyro.api.workspace.SnapshotDeleted;
import dev.pyro.api.workspace.SnapshotListing;
import dev.pyro.api.workspace.WorkspaceDeleteResult;
import dev.pyro.api.workspace.WorkspaceExecResult;
import dev.pyro.api.workspace.WorkspaceInfo;
import dev.pyro.api.workspace.WorkspaceList;
import dev.pyro.api.workspace.WorkspaceLogs;
import dev.pyro.api.workspace.WorkspaceSummary;
import dev.pyro.api.workspace.disk.DiskPayloads;
import dev.pyro.api.workspace.files.WorkspaceFilePayloads;
import dev.pyro.api.workspace.review.DiffPayload;
import dev.pyro.api.workspace.review.PatchApplyPayload;
import dev.pyro.api.workspace.service.ServiceInfo;
import dev.pyro.api.workspace.shell.ShellInfo;
import java.util.List;

/**
 * Every operation the engine serves, declared once (wire name, params, result, required params). Adding an operation
 * is one constant here, one handler in the engine's dispatcher (a test checks every operation has
 * exactly one) and, for the SDK's users, one method on {@code Pyro}.
 */
public final class Operations {

    // the engine itself
    public static final Operation<NoParams, EngineInfo> PING = Operation.of("ping", NoParams.class, EngineInfo.class);
    public static final Operation<NoParams, EngineInfo> SHUTDOWN =
            Operation.of("shutdown", NoParams.class, EngineInfo.class);

    // one-shot VMs
    public static final Operation<RunParams, VmExecResult> RUN_IN_VM =
            Operation.of("run_in_vm", RunParams.class, VmExecResult.class)
                    .requires("request", "request.environment", "command");
    public static final Operation<CreateParams, VmStatus> CREATE_VM =
            Operation.of("create_vm", CreateParams.class, VmStatus.class)
                    .requires("request", "request.environment");
    public static final Operation<VmParams, VmStatus> START_VM =
            Operation.of("start_vm", VmParams.class, VmStatus.class)
                    .requires("vm_id");
    public static final Operation<ExecParams, VmExecResult> EXEC_VM =
            Operation.of("exec_vm", ExecParams.class, VmExecResult.class)
                    .requires("vm_id", "command");
    public static final Operation<VmParams, VmStatus> STOP_VM = Operation.of("stop_vm", VmParams.class, VmStatus.class)
                    .requires("vm_id");
    public static final Operation<VmParams, VmDeleteResult> DELETE_VM =
            Operation.of("delete_vm", VmParams.class, VmDeleteResult.class)
                    .requires("vm_id");
    public static final Operation<VmParams, VmStatus> STATUS_VM =
            Operation.of("status_vm", VmParams.class, VmStatus.class)
                    .requires("vm_id");
    public static final Operation<VmParams, VmNetworkInfo> NETWORK_INFO_VM =
            Operation.of("network_info_vm", VmParams.class, VmNetworkInfo.class)
                    .requires("vm_id");
    public static final Operation<NoParams, List<VmStatus>> LIST_VMS =
            Operation.ofList("list_vms", NoParams.class, VmStatus.class);
    public static final Operation<NoParams, ReapResult> REAP_EXPIRED =
            Operation.of("reap_expired", NoParams.class, ReapResult.class);

    // environments
    public static final Operation<NoParams, List<EnvironmentInfo>> LIST_ENVIRONMENTS =
            Operation.ofList("list_environments", NoParams.class, EnvironmentInfo.class);
    public static final Operation<EnvironmentParams, EnvironmentInfo> INSPECT_ENVIRONMENT =
            Operation.of("inspect_environment", EnvironmentParams.class, EnvironmentInfo.class)
                    .requires("environment");
    public static final Operation<EnvironmentParams, EnvironmentInfo> PULL_ENVIRONMENT =
            Operation.of("pull_environment", EnvironmentParams.class, EnvironmentInfo.class)
                    .requires("environment");
    public static final Operation<NoParams, PruneResult> PRUNE_ENVIRONMENTS =
            Operation.of("prune_environments", NoParams.class, PruneResult.class);

    // workspaces
    public static final Operation<WorkspaceCreateParams, WorkspaceInfo> CREATE_WORKSPACE =
            Operation.of("create_workspace", WorkspaceCreateParams.class, WorkspaceInfo.class)
                    .requires("request", "request.environment");
    public static final Operation<NoParams, WorkspaceList> LIST_WORKSPACES =
            Operation.of("list_workspaces", NoParams.class, WorkspaceList.class);
    public static final Operation<WorkspaceParams, WorkspaceInfo> STATUS_WORKSPACE =
            Operation.of("status_workspace", WorkspaceParams.class, WorkspaceInfo.class)
                    .requires("workspace_id");
    public static final Operation<WorkspaceUpdateParams, WorkspaceInfo> UPDATE_WORKSPACE =
            Operation.of("update_workspace", WorkspaceUpdateParams.class, WorkspaceInfo.class)
                    .requires("workspace_id");
    public static final Operation<WorkspaceExecParams, WorkspaceExecResult> EXEC_WORKSPACE =
            Operation.of("exec_workspace", WorkspaceExecParams.class, WorkspaceExecResult.class)
                    .requires("workspace_id", "command");
    public static final Operation<WorkspaceParams, WorkspaceLogs> LOGS_WORKSPACE =
            Operation.of("logs_workspace", WorkspaceParams.class, WorkspaceLogs.class)
                    .requires("workspace_id");
    public static final Operation<WorkspaceParams, WorkspaceInfo> STOP_WORKSPACE =
            Operation.of("stop_workspace", WorkspaceParams.class, WorkspaceInfo.class)
                    .requires("workspace_id");
    public static final Operation<WorkspaceParams, WorkspaceInfo> START_WORKSPACE =
            Operation.of("start_workspace", WorkspaceParams.class, WorkspaceInfo.class)
                    .requires("workspace_id");
    public static final Operation<SnapshotParams, WorkspaceInfo> RESET_WORKSPACE =
            Operation.of("reset_workspace", SnapshotParams.class, WorkspaceInfo.class)
                    .requires("workspace_id");
    public static final Operation<WorkspaceParams, WorkspaceDeleteResult> DELETE_WORKSPACE =
            Operation.of("delete_workspace", WorkspaceParams.class, WorkspaceDeleteResult.class)
                    .requires("workspace_id");

    // live /workspace files
    public static final Operation<WorkspaceFileParams, WorkspaceFilePayloads.Sync> PUSH_WORKSPACE_SYNC =
            Operation.of("push_workspace_sync", WorkspaceFileParams.class, WorkspaceFilePayloads.Sync.class)
                    .requires("workspace_id");
    public static final Operation<WorkspaceFileParams, WorkspaceFilePayloads.FileList> LIST_WORKSPACE_FILES =
            Operation.of("list_workspace_files", WorkspaceFileParams.class, WorkspaceFilePayloads.FileList.class)
                    .requires("workspace_id");
    public static final Operation<WorkspaceFileParams, WorkspaceFilePayloads.FileRead> READ_WORKSPACE_FILE =
            Operation.of("read_workspace_file", WorkspaceFileParams.class, WorkspaceFilePayloads.FileRead.class)
                    .requires("workspace_id", "path");
    public static final Operation<WorkspaceFileParams, WorkspaceFilePayloads.FileWrite> WRITE_WORKSPACE_FILE =
            Operation.of("write_workspace_file", WorkspaceFileParams.class, WorkspaceFilePayloads.FileWrite.class)
                    .requires("workspace_id", "path", "text");
    public static final Operation<WorkspaceFileParams, PatchApplyPayload> APPLY_WORKSPACE_PATCH =
            Operation.of("apply_workspace_patch", WorkspaceFileParams.class, PatchApplyPayload.class)
                    .requires("workspace_id", "patch");
    public static final Operation<WorkspaceFileParams, DiffPayload> DIFF_WORKSPACE =
            Operation.of("diff_workspace", WorkspaceFileParams.class, DiffPayload.class)
                    .requires("workspace_id");
    public static final Operation<WorkspaceFileParams, WorkspaceFilePayloads.Export> EXPORT_WORKSPACE =
            Operation.of("export_workspace", WorkspaceFileParams.class, WorkspaceFilePayloads.Export.class)
                    .requires("workspace_id", "path");
    public static final Operation<WorkspaceFileParams, WorkspaceSummary> SUMMARIZE_WORKSPACE =
            Operation.of("summarize_workspace", WorkspaceFileParams.class, WorkspaceSummary.class)
                    .requires("workspace_id");

    // shells
    public static final Operation<ShellParams, ShellInfo> OPEN_SHELL =
            Operation.of("open_shell", ShellParams.class, ShellInfo.class)
                    .requires("workspace_id");
    public static final Operation<ShellParams, ShellInfo> READ_SHELL =
            Operation.of("read_shell", ShellParams.class, ShellInfo.class)
                    .requires("workspace_id", "shell_id");
    public static final Operation<ShellParams, ShellInfo> WRITE_SHELL =
            Operation.of("write_shell", ShellParams.class, ShellInfo.class)
                    .requires("workspace_id", "shell_id");
    public static final Operation<ShellParams, ShellInfo> SIGNAL_SHELL =
            Operation.of("signal_shell", ShellParams.class, ShellInfo.class)
                    .requires("workspace_id", "shell_id");
    public static final Operation<ShellParams, ShellInfo> CLOSE_SHELL =
            Operation.of("close_shell", ShellParams.class, ShellInfo.class)
                    .requires("workspace_id", "shell_id");

    // services
    public static final Operation<ServiceParams, ServiceInfo> START_SERVICE =
            Operation.of("start_service", ServiceParams.class, ServiceInfo.class)
                    .requires("workspace_id");
    public static final Operation<ServiceParams, ServiceInfo.Listing> LIST_SERVICES =
            Operation.of("list_services", ServiceParams.class, ServiceInfo.Listing.class)
                    .requires("workspace_id");
    public static final Operation<ServiceParams, ServiceInfo> STATUS_SERVICE =
            Operation.of("status_service", ServiceParams.class, ServiceInfo.class)
                    .requires("workspace_id", "service_name");
    public static final Operation<ServiceParams, ServiceInfo> LOGS_SERVICE =
            Operation.of("logs_service", ServiceParams.class, ServiceInfo.class)
                    .requires("workspace_id", "service_name");
    public static final Operation<ServiceParams, ServiceInfo> STOP_SERVICE =
            Operation.of("stop_service", ServiceParams.class, ServiceInfo.class)
                    .requires("workspace_id", "service_name");

    // snapshots
    public static final Operation<SnapshotParams, SnapshotCreated> CREATE_SNAPSHOT =
            Operation.of("create_snapshot", SnapshotParams.class, SnapshotCreated.class)
                    .requires("workspace_id", "snapshot_name");
    public static final Operation<WorkspaceParams, SnapshotListing> LIST_SNAPSHOTS =
            Operation.of("list_snapshots", WorkspaceParams.class, SnapshotListing.class)
                    .requires("workspace_id");
    public static final Operation<SnapshotParams, SnapshotDeleted> DELETE_SNAPSHOT =
            Operation.of("delete_snapshot", SnapshotParams.class, SnapshotDeleted.class)
                    .requires("workspace_id", "snapshot_name");

    // prepare
    public static final Operation<PrepareParams, PrepareResult> PREPARE =
            Operation.of("prepare", PrepareParams.class, PrepareResult.class)
                    .requires("environment");

    // stopped-workspace disk
    public static final Operation<WorkspaceDiskParams, DiskPayloads.DiskExport> EXPORT_WORKSPACE_DISK =
            Operation.of("export_workspace_disk", WorkspaceDiskParams.class, DiskPayloads.DiskExport.class)
                    .requires("workspace_id");
    public static final Operation<WorkspaceDiskParams, DiskPayloads.DiskList> LIST_WORKSPACE_DISK =
            Operation.of("list_workspace_disk", WorkspaceDiskParams.class, DiskPayloads.DiskList.class)
                    .requires("workspace_id");
    public static final Operation<WorkspaceDiskParams, DiskPayloads.DiskRead> READ_WORKSPACE_DISK =
            Operation.of("read_workspace_disk", WorkspaceDiskParams.class, DiskPayloads.DiskRead.class)
                    .requires("workspace_id", "path");

    /** All of them, in declaration order. */
    public static final List<Operation<?, ?>> ALL = List.of(
            PING, SHUTDOWN, RUN_IN_VM, CREATE_VM, START_VM, EXEC_VM, STOP_VM, DELETE_VM, STATUS_VM, NETWORK_INFO_VM,
            LIST_VMS, REAP_EXPIRED, LIST_ENVIRONMENTS, INSPECT_ENVIRONMENT, PULL_ENVIRONMENT, PRUNE_ENVIRONMENTS,
            CREATE_WORKSPACE, LIST_WORKSPACES, STATUS_WORKSPACE, UPDATE_WORKSPACE, EXEC_WORKSPACE, LOGS_WORKSPACE,
            STOP_WORKSPACE, START_WORKSPACE, RESET_WORKSPACE, DELETE_WORKSPACE, PUSH_WORKSPACE_SYNC,
            LIST_WORKSPACE_FILES, READ_WORKSPACE_FILE, WRITE_WORKSPACE_FILE, APPLY_WORKSPACE_PATCH, DIFF_WORKSPACE,
            EXPORT_WORKSPACE, SUMMARIZE_WORKSPACE, OPEN_SHELL, READ_SHELL, WRITE_SHELL, SIGNAL_SHELL, CLOSE_SHELL,
            START_SERVICE, LIST_SERVICES, STATUS_SERVICE, LOGS_SERVICE, STOP_SERVICE, CREATE_SNAPSHOT, LIST_SNAPSHOTS,
            DELETE_SNAPSHOT, PREPARE, EXPORT_WORKSPACE_DISK, LIST_WORKSPACE_DISK, READ_WORKSPACE_DISK);

    private Operations() {
    }
}
