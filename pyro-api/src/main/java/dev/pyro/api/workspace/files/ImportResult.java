package dev.pyro.api.workspace.files;

/**
 * What an import wrote: the {@code workspace_sync} payload (spec §5.4), and the counts of
 * {@code workspace_seed}.
 */
public record ImportResult(String mode, String sourcePath, String destination, long entryCount, long bytesWritten) {
}
