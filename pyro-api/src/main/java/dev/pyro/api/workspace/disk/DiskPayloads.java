package dev.pyro.api.workspace.disk;

import dev.pyro.api.workspace.files.WorkspaceFilePayloads.FileEntry;
import java.util.List;

/** The payloads of the stopped-workspace disk tools (spec §5.10, §12.4). */
public final class DiskPayloads {

    private DiskPayloads() {
    }

    public record DiskExport(String workspaceId, String outputPath, String diskFormat, long bytesWritten) {
    }

    public record DiskList(String workspaceId, String path, boolean recursive, List<FileEntry> entries) {
    }

    public record DiskRead(String workspaceId, String path, long sizeBytes, int maxBytes, String content,
                           boolean truncated) {
    }
}
