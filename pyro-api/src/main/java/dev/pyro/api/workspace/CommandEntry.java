package dev.pyro.api.workspace;

/**
 * One journal entry, {@code commands/NNNNNN.json}; {@code stdout}/{@code stderr} are filled from the
 * side files when the journal is read ({@code workspace logs}).
 */
public record CommandEntry(int sequence, String command, String cwd, int exitCode, long durationMs,
                           String executionMode, String stdoutFile, String stderrFile, double recordedAt,
                           String stdout, String stderr) {
}
