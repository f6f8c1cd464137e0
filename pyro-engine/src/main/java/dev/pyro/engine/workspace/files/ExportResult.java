package dev.pyro.engine.workspace.files;

/**
 * What an export wrote to the host: the export payload's own fields (spec §5.10, §12.3); the
 * engine adds {@code workspace_id} and {@code execution_mode}.
 *
 * @param artifactType {@code file}, {@code directory} or {@code symlink}
 * @param entryCount members written: 1 for a file or symlink, the tree below a directory otherwise
 * @param bytesWritten regular-file bytes written
 */
public record ExportResult(String workspacePath, String outputPath, String artifactType, long entryCount,
                           long bytesWritten) {
}
