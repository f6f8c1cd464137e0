package dev.pyro.protocol;

import java.util.List;

/**
 * A process the agent knows about ({@code list_processes}): running, or exited with an exit
 * status nobody has collected yet (collect it with {@link AgentProcesses#attach}).
 */
public record ProcessInfo(int processId, long pid, List<String> argv, boolean pty, boolean running, boolean attached,
                          long startedAtMs, Integer exitCode, Integer signal, String signalName, Boolean truncated) {
    public ProcessInfo {
        argv = argv == null ? List.of() : List.copyOf(argv);
    }
}
