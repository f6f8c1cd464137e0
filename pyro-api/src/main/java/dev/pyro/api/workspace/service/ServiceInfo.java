package dev.pyro.api.workspace.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A service as its operations return it (spec §5.6); {@code stdout}/{@code stderr}/{@code tail_lines}/
 * {@code truncated} only in {@code logs}. {@code process_id} is the guest agent's handle.
 */
public record ServiceInfo(
        String workspaceId,
        String serviceName,
        String state,
        String command,
        String cwd,
        double startedAt,
        Double endedAt,
        Integer exitCode,
        Long pid,
        String executionMode,
        Readiness readiness,
        Double readyAt,
        String stopReason,
        List<PublishedPort> publishedPorts,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer processId,
        @JsonInclude(JsonInclude.Include.NON_NULL) String stdout,
        @JsonInclude(JsonInclude.Include.NON_NULL) String stderr,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer tailLines,
        @JsonInclude(JsonInclude.Include.NON_NULL) Boolean truncated) {

    public ServiceInfo ended(String newState, Integer code, String reason, double at) {
        return new ServiceInfo(workspaceId, serviceName, newState, command, cwd, startedAt, at, code, pid,
                executionMode, readiness, readyAt, reason, publishedPorts, processId, null, null, null, null);
    }

    public ServiceInfo ready(double at) {
        return new ServiceInfo(workspaceId, serviceName, state, command, cwd, startedAt, endedAt, exitCode, pid,
                executionMode, readiness, at, stopReason, publishedPorts, processId, null, null, null, null);
    }

    public ServiceInfo withPorts(List<PublishedPort> ports) {
        return new ServiceInfo(workspaceId, serviceName, state, command, cwd, startedAt, endedAt, exitCode, pid,
                executionMode, readiness, readyAt, stopReason, List.copyOf(ports), processId, null, null, null, null);
    }

    public ServiceInfo withLogs(String out, String err, Integer tail, boolean cut) {
        return new ServiceInfo(workspaceId, serviceName, state, command, cwd, startedAt, endedAt, exitCode, pid,
                executionMode, readiness, readyAt, stopReason, publishedPorts, processId, out, err, tail, cut);
    }

    /** The list payload: {@code {workspace_id, count, running_count, services}}. */
    public record Listing(String workspaceId, int count, int runningCount, List<ServiceInfo> services) {
    }
}
