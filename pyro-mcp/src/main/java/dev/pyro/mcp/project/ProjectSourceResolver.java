package dev.pyro.mcp.project;

import dev.pyro.api.PyroException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Turns the {@code serve} flags into the server's project source (spec §4.5), with the spec's errors. */
public final class ProjectSourceResolver {

    private ProjectSourceResolver() {
    }

    /**
     * @param cwd the server's working directory (relative project paths and auto-detection start here)
     * @return the source, or null for none
     */
    public static ProjectSource resolve(String projectPath, String repoUrl, String repoRef, boolean noProjectSource,
                                        Path cwd) {
        if (noProjectSource) {
            if (projectPath != null || repoUrl != null || repoRef != null) {
                throw PyroException.invalid(
                        "--no-project-source cannot be combined with --project-path, --repo-url, or --repo-ref");
            }
            return null;
        }
        if (projectPath != null && repoUrl != null) {
            throw PyroException.invalid("--project-path and --repo-url are mutually exclusive");
        }
        if (repoRef != null && repoUrl == null) {
            throw PyroException.invalid("--repo-ref requires --repo-url");
        }
        if (projectPath != null) {
            return fromPath(projectPath, cwd);
        }
        if (repoUrl != null) {
            String url = repoUrl.strip();
            if (url.isEmpty()) {
                throw PyroException.invalid("--repo-url must not be empty");
            }
            String ref = null;
            if (repoRef != null) {
                ref = repoRef.strip();
                if (ref.isEmpty()) {
                    throw PyroException.invalid("--repo-ref must not be empty");
                }
            }
            return ProjectSource.repoUrl(url, ref);
        }
        Path root = Git.topLevel(cwd);
        return root == null ? null : ProjectSource.projectPath(root);
    }

    private static ProjectSource fromPath(String raw, Path cwd) {
        String expanded = raw.equals("~") || raw.startsWith("~/")
                ? System.getProperty("user.home") + raw.substring(1) : raw;
        Path path = cwd.resolve(expanded).toAbsolutePath().normalize();
        if (!Files.exists(path)) {
            throw PyroException.invalid("project_path " + path + " does not exist");
        }
        if (!Files.isDirectory(path)) {
            throw PyroException.invalid("project_path " + path + " must be a directory");
        }
        Path root = Git.topLevel(path);
        return ProjectSource.projectPath(root == null ? path : root);
    }
}
