package dev.pyro.mcp;

import dev.pyro.api.PyroException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which host paths an MCP client may name in tool arguments ({@code seed_path}, {@code source_path},
 * a secret's {@code file_path}, {@code output_path}). The client is not trusted (a prompt-injected
 * model drives it), so it gets only what the person who started the server chose: the project
 * checkout and each {@code --allow-host-path} directory. There is no default export directory
 * beyond those. Writes never reach a {@code .git} directory (hooks there run on the host).
 *
 * <p>Paths are resolved canonically before the containment check: the real path of the deepest
 * existing ancestor (every symlink in it followed), plus the not yet existing rest, which may not
 * hold {@code ..}. So no symlink inside an allowed directory leads out of it.
 *
 * @param roots canonical directories; empty: no host path is allowed
 * @param cwd   what relative paths are resolved against (the server's working directory)
 */
public record HostPathPolicy(List<Path> roots, Path cwd) {

    public HostPathPolicy {
        roots = List.copyOf(roots);
    }

    /**
     * The policy for a server: the project checkout (null: none) and the directories the person who
     * started it allowed, each of which must exist.
     */
    public static HostPathPolicy of(Path projectRoot, List<Path> allowed, Path cwd) {
        Set<Path> roots = new LinkedHashSet<>();
        if (projectRoot != null) {
            roots.add(realDirectory(projectRoot, "the project checkout"));
        }
        for (Path dir : allowed == null ? List.<Path>of() : allowed) {
            roots.add(realDirectory(cwd.resolve(dir), "--allow-host-path"));
        }
        return new HostPathPolicy(new ArrayList<>(roots), cwd);
    }

    /** A host path the client may read from (a seed, a sync source, a secret file). */
    public Path read(String field, String raw) {
        return check(field, raw, false);
    }

    /** A host path the client may create (an export). */
    public Path write(String field, String raw) {
        return check(field, raw, true);
    }

    /** For the startup line: the allowed directories, or "none". */
    public String describe() {
        return roots.isEmpty() ? "none (add --allow-host-path DIR)"
                : roots.stream().map(Path::toString).collect(Collectors.joining(", "));
    }

    private Path check(String field, String raw, boolean write) {
        Path path;
        try {
            path = cwd.resolve(raw);
        } catch (InvalidPathException e) {
            throw PyroException.invalid(field + " is not a valid path: " + e.getReason());
        }
        Path canonical = canonical(field, path);
        Path root = roots.stream().filter(canonical::startsWith).findFirst().orElse(null);
        if (root == null) {
            throw PyroException.invalid(field + " " + raw + " is outside the host directories this MCP server "
                    + "may use (" + describe() + "); the person who starts the server can allow a directory with "
                    + "`pyro mcp serve --allow-host-path DIR`");
        }
        if (write) {
            for (Path part : root.relativize(canonical)) {
                if (part.toString().equals(".git")) {
                    throw PyroException.invalid(field + " " + raw + " is inside a .git directory, which an MCP "
                            + "client may not write (its hooks run on the host); choose another path");
                }
            }
        }
        return canonical;
    }

    /** The real path of the deepest existing ancestor plus the rest, which must be plain names. */
    static Path canonical(String field, Path path) {
        Path absolute = path.toAbsolutePath();
        List<String> tail = new ArrayList<>();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            tail.addFirst(existing.getFileName().toString());
            existing = existing.getParent();
        }
        if (existing == null) {
            existing = absolute.getRoot();
        }
        Path real;
        try {
            real = existing.toRealPath();
        } catch (IOException e) {
            // a dangling symlink, or a directory we may not search: either way not a path to use
            throw PyroException.invalid(field + " " + path + " cannot be resolved (" + existing
                    + " is a dangling symlink or not accessible)");
        }
        for (String name : tail) {
            if (name.equals("..") || name.equals(".")) {
                throw PyroException.invalid(field + " " + path + " must not use . or .. below a directory that "
                        + "does not exist");
            }
            real = real.resolve(name);
        }
        return real;
    }

    private static Path realDirectory(Path dir, String what) {
        try {
            Path real = dir.toRealPath();
            if (!Files.isDirectory(real)) {
                throw PyroException.invalid(what + " " + dir + " must be a directory");
            }
            return real;
        } catch (IOException e) {
            throw PyroException.invalid(what + " " + dir + " does not exist; create it first or name another "
                    + "directory");
        }
    }
}
