package dev.pyro.cli.host;

import dev.pyro.api.PyroException;
import dev.pyro.protocol.ErrorText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A JSON config file that belongs to the user (OpenCode's {@code opencode.json}, an
 * {@code mcpServers} file): read leniently, changed only where pyro's entry lives, backed up
 * before any change, written atomically, and not written at all when it already says the same.
 */
final class JsonConfigFile {

    // Users' config files carry comments and trailing commas; a reader that rejects them would
    // treat a working file as broken.
    private static final ObjectMapper READER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    /** What is on disk now: a JSON object, nothing, or a problem that keeps it from being used. */
    record Loaded(Path path, boolean exists, ObjectNode root, String problem) {

        boolean usable() {
            return problem == null;
        }

        /** The object to edit: the file's, or an empty one when it is missing or unusable. */
        ObjectNode editable() {
            return root == null ? READER.createObjectNode() : root.deepCopy();
        }
    }

    /** The outcome of {@link #save}: whether the file changed and where the old one was kept. */
    record Saved(boolean changed, Path backupPath) {
    }

    private JsonConfigFile() {
    }

    static Loaded load(Path path) {
        if (!Files.exists(path)) {
            return new Loaded(path, false, null, null);
        }
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw PyroException.runtime("cannot read " + path + ": " + ErrorText.of(e), e);
        }
        JsonNode node;
        try {
            node = READER.readTree(text);
        } catch (JacksonException e) {
            return new Loaded(path, true, null, "invalid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            return new Loaded(path, true, null, "not a JSON object");
        }
        return new Loaded(path, true, (ObjectNode) node, null);
    }

    /** JSON as people write it: two-space indent, {@code "key": value}, a trailing newline. */
    /**
     * {@code root} with {@code root[section].pyro} set to {@code entry}, every other key and server
     * kept (a missing or non-object section is replaced by one holding just pyro).
     */
    static ObjectNode withPyro(ObjectNode root, String section, ObjectNode entry) {
        if (!root.path(section).isObject()) {
            root.putObject(section);
        }
        ((ObjectNode) root.get(section)).set("pyro", entry);
        return root;
    }

    static String render(JsonNode node) {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectNameValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator(""))
                .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"))
                .withObjectIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"));
        return READER.writer().with(printer).writeValueAsString(node) + "\n";
    }

    /**
     * Writes {@code root} to the loaded file unless it already holds equal JSON. An existing file
     * is first copied to {@code NAME.bak-YYYYmmddHHMMSS} (UTC) beside it.
     */
    static Saved save(Loaded loaded, ObjectNode root) {
        if (loaded.usable() && loaded.exists() && root.equals(loaded.root())) {
            return new Saved(false, null);
        }
        Path target = loaded.path();
        try {
            if (Files.isSymbolicLink(target)) {
                // Edit the file a dotfile manager links to, not replace the link with a copy.
                target = target.toRealPath();
            }
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path backup = null;
            Set<PosixFilePermission> permissions = null;
            if (Files.exists(target)) {
                backup = backupPath(target);
                Files.copy(target, backup, StandardCopyOption.COPY_ATTRIBUTES);
                permissions = Files.getPosixFilePermissions(target);
            }
            Path temp = Files.createTempFile(parent, "." + target.getFileName() + ".", ".tmp");
            try {
                Files.writeString(temp, render(root), StandardCharsets.UTF_8);
                if (permissions != null) {
                    Files.setPosixFilePermissions(temp, permissions);
                }
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
            return new Saved(true, backup);
        } catch (IOException e) {
            throw PyroException.runtime("cannot write " + target + ": " + ErrorText.of(e), e);
        }
    }

    private static Path backupPath(Path target) {
        String base = target.getFileName() + ".bak-" + ZonedDateTime.now(ZoneOffset.UTC).format(STAMP);
        Path candidate = target.resolveSibling(base);
        for (int n = 1; Files.exists(candidate); n++) {
            candidate = target.resolveSibling(base + "-" + n);
        }
        return candidate;
    }
}
