package dev.pyro.cli.mcp;

import dev.pyro.api.PyroException;
import dev.pyro.mcp.transport.HttpEndpoint;
import dev.pyro.sdk.StateDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Where the bearer token of {@code mcp serve --http} comes from. Never from argv: a command line is
 * readable by every local user ({@code ps}, /proc/PID/cmdline), and the token is what lets a
 * process drive workspaces with the engine's rights. A process's environment and a file only its
 * owner can read are not.
 */
record HttpToken(String value, boolean generated) {

    /** The environment variable that may carry the token (readable only by the same user, /proc/PID/environ 0400). */
    static final String ENV = "PYRO_MCP_TOKEN";

    static final String FORMS = "use --http-token-file PATH (a file only you can read, e.g. created with "
            + "`umask 077`) or the " + ENV + " environment variable";

    /** The refusal of {@code --http-token VALUE}: by the time it could warn, the token is already visible. */
    static PyroException refusedOnCommandLine() {
        return PyroException.invalid("--http-token is not accepted: a token on the command line is readable by "
                + "every local user (ps); " + FORMS);
    }

    /** The token from {@code tokenFile}, else {@code envValue}, else a new random one ({@link #writePrivate}). */
    static HttpToken resolve(Path tokenFile, String envValue) {
        if (tokenFile != null) {
            if (envValue != null) {
                throw PyroException.invalid("give the token once: --http-token-file or " + ENV + ", not both");
            }
            return new HttpToken(fromFile(tokenFile), false);
        }
        if (envValue != null) {
            if (envValue.isBlank()) {
                throw PyroException.invalid(ENV + " must not be empty");
            }
            return new HttpToken(envValue.strip(), false);
        }
        return new HttpToken(HttpEndpoint.newToken(), true);
    }

    static String fromFile(Path file) {
        PosixFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            throw PyroException.invalid("--http-token-file " + file + " does not exist; create it with: "
                    + "(umask 077; head -c 32 /dev/urandom | base64 > " + file + ")");
        } catch (IOException e) {
            throw PyroException.invalid("--http-token-file " + file + " cannot be read: " + e.getMessage());
        }
        if (!attrs.isRegularFile()) {
            throw PyroException.invalid("--http-token-file " + file + " must be a regular file (not a symlink or "
                    + "directory)");
        }
        String me = System.getProperty("user.name");
        if (!attrs.owner().getName().equals(me)) {
            throw PyroException.invalid("--http-token-file " + file + " is owned by " + attrs.owner().getName()
                    + ", not by you (" + me + "); use a file you own (chown " + me + " " + file + ")");
        }
        Set<PosixFilePermission> open = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
        open.retainAll(attrs.permissions());
        if (!open.isEmpty()) {
            throw PyroException.invalid("--http-token-file " + file + " is readable or writable by other users (mode "
                    + PosixFilePermissions.toString(attrs.permissions()) + "); fix it with: chmod 600 " + file);
        }
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException | UncheckedIOException e) {
            throw PyroException.invalid("--http-token-file " + file + " cannot be read: " + e.getMessage());
        }
        if (token.isEmpty() || token.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
            throw PyroException.invalid("--http-token-file " + file + " must hold one token on one line (no spaces "
                    + "or control characters)");
        }
        return token;
    }

    /**
     * Writes a generated token to {@code file}, mode 0600 and created fresh (a file or symlink planted
     * there is removed, never followed), so only its owner can read it: a token printed on stderr
     * would end up in whatever log a host keeps, readable by whoever can read that log.
     */
    static void writePrivate(Path file, String token) {
        try {
            // the state dir and its mcp-http dir must be ours before a secret goes there
            StateDirs.requireOwnedDir(file.getParent().getParent(), "the state dir");
            StateDirs.requireOwnedDir(file.getParent(), "the token dir");
            Files.deleteIfExists(file); // unlinks a planted symlink itself, never its target
            try (var out = Files.newByteChannel(file, Set.<java.nio.file.OpenOption>of(StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
                out.write(java.nio.ByteBuffer.wrap((token + "\n").getBytes(StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            throw PyroException.invalid("cannot write the generated HTTP token to " + file + ": " + e.getMessage()
                    + "; give one with --http-token-file PATH or " + ENV);
        }
    }
}
