package dev.pyro.api.workspace;

/**
 * Where a seed really came from when the seed path is only a staging copy: the MCP server's project
 * source ({@code project_path} with the checkout root, or {@code repo_url} with the URL). It is what
 * {@code workspace_seed.origin_kind} and {@code origin_ref} report.
 */
public record SeedOrigin(String kind, String ref) {

    public static final String PROJECT_PATH = "project_path";
    public static final String REPO_URL = "repo_url";
}
