package dev.pyro.engine.workspace.review;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A throwaway git repository in a test's temp dir, isolated from the user's and system git config. */
final class GitRepo {

    final Path dir;

    GitRepo(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        git("init", "-q");
    }

    GitRepo write(String relative, String text) {
        return writeBytes(relative, text.getBytes(StandardCharsets.UTF_8));
    }

    GitRepo writeBytes(String relative, byte[] bytes) {
        try {
            Path file = dir.resolve(relative);
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    GitRepo writeAll(Map<String, String> texts) {
        texts.forEach(this::write);
        return this;
    }

    GitRepo delete(String relative) {
        try {
            Files.delete(dir.resolve(relative));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    GitRepo chmod(String relative, String permissions) {
        try {
            Files.setPosixFilePermissions(dir.resolve(relative), PosixFilePermissions.fromString(permissions));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    GitRepo commit() {
        git("add", ".");
        git("commit", "-q", "--allow-empty", "-m", "change");
        return this;
    }

    /** {@code git diff --cached} of everything in the worktree against HEAD (so new files show). */
    String stagedDiff(String... options) {
        git("add", ".");
        List<String> args = new ArrayList<>(List.of("diff", "--cached", "--no-color"));
        args.addAll(List.of(options));
        return git(args.toArray(String[]::new));
    }

    /** The worktree's regular files as text, keyed by relative path (the .git dir excluded). */
    Map<String, String> texts() {
        Map<String, String> texts = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                String relative = dir.relativize(file).toString();
                if (!relative.startsWith(".git/")) {
                    texts.put(relative, Files.readString(file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return texts;
    }

    String git(String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=Pyro Test", "-c",
                "user.email=test@pyro.invalid", "-c", "core.autocrlf=false", "-c", "commit.gpgsign=false"));
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("git-out", ".txt");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                        .redirectErrorStream(true).redirectOutput(out.toFile());
                builder.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
                builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
                Process process = builder.start();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("git timed out: " + command);
                }
                String output = Files.readString(out);
                if (process.exitValue() != 0) {
                    throw new IllegalStateException("git failed (" + process.exitValue() + "): " + command + "\n" + output);
                }
                return output;
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
