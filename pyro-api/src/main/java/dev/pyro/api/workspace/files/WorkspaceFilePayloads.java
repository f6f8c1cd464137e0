package dev.pyro.api.workspace.files;

import dev.pyro.api.workspace.files.ImportResult;
import java.util.List;

/** The payloads of the live {@code /workspace} file operations (spec §5.4, §5.7, §12.3). */
public final class WorkspaceFilePayloads {

    private WorkspaceFilePayloads() {
    }

    public record FileEntry(String path, String artifactType, long sizeBytes, String linkTarget) {
    }

    public record FileList(String workspaceId, String path, boolean recursive, List<FileEntry> entries,
                           String executionMode) {
    }

    public record FileRead(String workspaceId, String path, long sizeBytes, int maxBytes, String content,
                           boolean truncated, String executionMode) {
    }

    public record FileWrite(String workspaceId, String path, long sizeBytes, long bytesWritten, String executionMode) {
    }

    public record Sync(String workspaceId, String executionMode, ImportResult workspaceSync) {
    }

    public record Export(String workspaceId, String workspacePath, String outputPath, String artifactType,
                         long entryCount, long bytesWritten, String executionMode) {
    }
}
