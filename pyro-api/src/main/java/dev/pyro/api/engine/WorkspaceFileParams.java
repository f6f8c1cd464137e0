package dev.pyro.api.engine;

/** The file operations' params; each uses the fields it needs. Host paths arrive absolute. */
public record WorkspaceFileParams(String workspaceId, String path, boolean recursive, Integer maxBytes,
                                  String text, String patch, String sourcePath, String dest, String outputPath,
                                  boolean overwrite) {

    public WorkspaceFileParams {
        workspaceId = ParamIds.workspace(workspaceId);
    }

    public static WorkspaceFileParams of(String workspaceId) {
        return new WorkspaceFileParams(workspaceId, null, false, null, null, null, null, null, null, false);
    }

    public WorkspaceFileParams path(String value, boolean recurse) {
        return new WorkspaceFileParams(workspaceId, value, recurse, maxBytes, text, patch, sourcePath, dest,
                outputPath, overwrite);
    }

    public WorkspaceFileParams read(String value, int max) {
        return new WorkspaceFileParams(workspaceId, value, recursive, max, text, patch, sourcePath, dest,
                outputPath, overwrite);
    }

    public WorkspaceFileParams write(String value, String content) {
        return new WorkspaceFileParams(workspaceId, value, recursive, maxBytes, content, patch, sourcePath, dest,
                outputPath, overwrite);
    }

    public WorkspaceFileParams patchText(String value) {
        return new WorkspaceFileParams(workspaceId, path, recursive, maxBytes, text, value, sourcePath, dest,
                outputPath, overwrite);
    }

    public WorkspaceFileParams sync(String source, String destination) {
        return new WorkspaceFileParams(workspaceId, path, recursive, maxBytes, text, patch, source, destination,
                outputPath, overwrite);
    }

    public WorkspaceFileParams export(String value, String output, boolean replace) {
        return new WorkspaceFileParams(workspaceId, value, recursive, maxBytes, text, patch, sourcePath, dest,
                output, replace);
    }
}
