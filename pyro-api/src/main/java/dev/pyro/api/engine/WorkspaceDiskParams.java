package dev.pyro.api.engine;

/** The stopped-workspace disk tools' params; each uses the fields it needs. {@code output_path} arrives absolute. */
public record WorkspaceDiskParams(String workspaceId, String path, boolean recursive, Integer maxBytes,
                                  String outputPath) {

    public WorkspaceDiskParams {
        workspaceId = ParamIds.workspace(workspaceId);
    }
}
