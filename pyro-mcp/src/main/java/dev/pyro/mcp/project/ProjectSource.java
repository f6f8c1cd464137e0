package dev.pyro.mcp.project;

import dev.pyro.api.workspace.SeedOrigin;
import java.nio.file.Path;

/**
 * The server's default seed for {@code workspace_create}: a project checkout ({@code project_path},
 * {@code path} set) or a repository to clone cleanly ({@code repo_url}, with an optional ref).
 */
public record ProjectSource(String kind, String originRef, String repoRef, Path path) {

    public static ProjectSource projectPath(Path root) {
        return new ProjectSource(SeedOrigin.PROJECT_PATH, root.toString(), null, root);
    }

    public static ProjectSource repoUrl(String url, String ref) {
        return new ProjectSource(SeedOrigin.REPO_URL, url, ref, null);
    }

    /** How tool descriptions and the server's help name it (the spec's wording). */
    public String describe() {
        if (SeedOrigin.PROJECT_PATH.equals(kind)) {
            return "the current project at " + originRef;
        }
        return repoRef == null ? "the clean clone source " + originRef
                : "the clean clone source " + originRef + " at ref " + repoRef;
    }

    public SeedOrigin origin() {
        return new SeedOrigin(kind, originRef);
    }
}
