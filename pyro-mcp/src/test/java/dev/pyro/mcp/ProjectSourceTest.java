package dev.pyro.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.PyroException;
import dev.pyro.mcp.project.ProjectSeed;
import dev.pyro.mcp.project.ProjectSource;
import dev.pyro.mcp.project.ProjectSourceResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Project-aware startup against real git: resolution rules and messages, tracked-files-only seeds. */
class ProjectSourceTest {

    @TempDir
    Path tmp;

    @Test
    void autoDetectsTheCheckoutRootAndStagesOnlyTrackedFiles() throws Exception {
        Path repo = repo();
        ProjectSource source = ProjectSourceResolver.resolve(null, null, null, false, repo.resolve("src"));
        assertThat(source.kind()).isEqualTo("project_path");
        assertThat(source.originRef()).isEqualTo(repo.toRealPath().toString());
        assertThat(source.describe()).isEqualTo("the current project at " + repo.toRealPath());

        Path staged;
        try (ProjectSeed seed = ProjectSeed.stage(source)) {
            staged = seed.seedPath();
            assertThat(files(staged)).containsExactlyInAnyOrder(".gitignore", "app.py", "src/lib.py", "link");
            assertThat(Files.isSymbolicLink(staged.resolve("link"))).isTrue();
            assertThat(seed.origin().ref()).isEqualTo(repo.toRealPath().toString());
        }
        assertThat(staged).doesNotExist();
        assertThat(repo.resolve("notes.txt")).exists();
    }

    /**
     * Git lists {@code src/lib.py} from its index; with the worktree's {@code src} now a symlink to
     * a directory of secrets, staging copied the secret found through it (issue 17, the A.4 class).
     */
    @Test
    void aTrackedDirectoryNowALinkIsNotFollowed() throws Exception {
        Path repo = repo();
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("lib.py"), "TOP-SECRET\n");
        Path moved = tmp.resolve("src-moved");
        Files.move(repo.resolve("src"), moved);
        Files.createSymbolicLink(repo.resolve("src"), outside);
        ProjectSource source = ProjectSourceResolver.resolve(null, null, null, false, repo);
        try (ProjectSeed seed = ProjectSeed.stage(source)) {
            Path staged = seed.seedPath();
            assertThat(files(staged)).containsExactlyInAnyOrder(".gitignore", "app.py", "link");
            assertThat(staged.resolve("src")).doesNotExist();
        }
    }

    @Test
    void noSourceOutsideACheckoutOrWhenDisabled() throws Exception {
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        assertThat(ProjectSourceResolver.resolve(null, null, null, false, plain)).isNull();
        assertThat(ProjectSourceResolver.resolve(null, null, null, true, repo())).isNull();
        ProjectSource explicit = ProjectSourceResolver.resolve("plain", null, null, false, tmp);
        assertThat(explicit.originRef()).isEqualTo(plain.toString());
    }

    @Test
    void validationMessagesAreTheSpecs() throws Exception {
        Path file = Files.writeString(tmp.resolve("file.txt"), "x");
        assertError(() -> ProjectSourceResolver.resolve("x", null, null, true, tmp),
                "--no-project-source cannot be combined with --project-path, --repo-url, or --repo-ref");
        assertError(() -> ProjectSourceResolver.resolve("x", "u", null, false, tmp),
                "--project-path and --repo-url are mutually exclusive");
        assertError(() -> ProjectSourceResolver.resolve(null, null, "main", false, tmp), "--repo-ref requires --repo-url");
        assertError(() -> ProjectSourceResolver.resolve("missing", null, null, false, tmp),
                "project_path " + tmp.resolve("missing") + " does not exist");
        assertError(() -> ProjectSourceResolver.resolve(file.toString(), null, null, false, tmp),
                "project_path " + file + " must be a directory");
        assertError(() -> ProjectSourceResolver.resolve(null, "  ", null, false, tmp), "--repo-url must not be empty");
        assertError(() -> ProjectSourceResolver.resolve(null, "u", " ", false, tmp), "--repo-ref must not be empty");
        ProjectSource clone = ProjectSourceResolver.resolve(null, " /srv/app.git ", " v1 ", false, tmp);
        assertThat(clone.describe()).isEqualTo("the clean clone source /srv/app.git at ref v1");
    }

    @Test
    void cloneFailuresSayWhatFailed() {
        ProjectSource missing = ProjectSource.repoUrl(tmp.resolve("nothing.git").toString(), null);
        assertError(() -> ProjectSeed.stage(missing), "failed to clone repo_url '" + tmp.resolve("nothing.git") + "': ");
    }

    @Test
    void modeAndNonDefaultProfileAreExclusive() {
        assertThat(McpSurface.of(null, null)).isEqualTo(McpSurface.WORKSPACE_CORE);
        assertThat(McpSurface.of("workspace-core", "inspect")).isEqualTo(McpSurface.INSPECT);
        assertError(() -> McpSurface.of("workspace-full", "inspect"), "--mode and --profile are mutually exclusive");
        assertThat(Stream.of(McpSurface.values()).map(s -> s.tools().size()).toList())
                .containsExactly(1, 17, 44, 16, 11, 17, 21);
    }

    private static void assertError(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(PyroException.class).hasMessageContaining(message);
    }

    private Path repo() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo/src"));
        repo = repo.getParent();
        Files.writeString(repo.resolve("app.py"), "print(1)\n");
        Files.writeString(repo.resolve("src/lib.py"), "x = 1\n");
        Files.writeString(repo.resolve(".gitignore"), "*.log\n");
        Files.createSymbolicLink(repo.resolve("link"), Path.of("app.py"));
        git(repo, "init", "-q");
        git(repo, "add", ".");
        Files.writeString(repo.resolve("debug.log"), "ignored\n");
        Files.writeString(repo.resolve("notes.txt"), "untracked\n");
        return repo;
    }

    private static void git(Path dir, String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }

    private static List<String> files(Path root) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> !Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .map(p -> root.relativize(p).toString()).toList();
        }
    }
}
