package dev.pyro.engine.workspace;

import dev.pyro.api.workspace.SecretSpec;
import dev.pyro.api.PyroException;
import dev.pyro.protocol.AgentConnection;
import dev.pyro.protocol.WriteOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Workspace secrets (spec §8.4): validated at create, kept on the host only as 0600 files in the
 * workspace's 0700 {@code secrets/} dir (so start and reset can install them again), materialized
 * in the guest under {@code /run/pyro-secrets} (outside {@code /workspace}: never in diff, export or
 * snapshots), passed to commands as environment variables on request, and redacted from every
 * output Pyro keeps or returns.
 */
public final class WorkspaceSecrets {

    public static final int MAX_BYTES = 65536;
    public static final String GUEST_DIR = "/run/pyro-secrets";
    public static final String REDACTED = "[REDACTED]";
    private static final Pattern NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]{0,63}$");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private WorkspaceSecrets() {
    }

    /** Validates every secret first, then writes them; returns the record's metadata, sorted by name. */
    static List<SecretMeta> prepare(List<SecretSpec> specs, Path workspaceDir) throws IOException {
        if (specs == null || specs.isEmpty()) {
            return List.of();
        }
        Map<String, byte[]> values = new LinkedHashMap<>();
        Map<String, String> kinds = new LinkedHashMap<>();
        for (SecretSpec spec : specs) {
            String name = spec.name();
            if (name == null || name.isEmpty()) {
                throw PyroException.invalid("secret name must not be empty");
            }
            if (!NAME.matcher(name).matches()) {
                throw PyroException.invalid("secret name must match ^[A-Za-z_][A-Za-z0-9_]{0,63}$");
            }
            if (values.containsKey(name)) {
                throw PyroException.invalid("duplicate secret name: " + name);
            }
            if ((spec.value() == null) == (spec.filePath() == null)) {
                throw PyroException.invalid("secret '" + name + "' must provide exactly one of 'value' or 'file_path'");
            }
            byte[] bytes = spec.value() != null ? spec.value().getBytes(StandardCharsets.UTF_8) : readFile(name, spec.filePath());
            if (bytes.length == 0) {
                throw PyroException.invalid("secret '" + name + "' must not be empty");
            }
            if (bytes.length > MAX_BYTES) {
                throw PyroException.invalid("secret '" + name + "' must be at most " + MAX_BYTES + " bytes");
            }
            try {
                StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            } catch (CharacterCodingException e) {
                throw PyroException.invalid("secret '" + name + "' must be valid UTF-8 text");
            }
            values.put(name, bytes);
            kinds.put(name, spec.value() != null ? "literal" : "file");
        }
        Path dir = workspaceDir.resolve("secrets");
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        List<SecretMeta> metas = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : values.entrySet()) {
            Path file = dir.resolve(e.getKey() + ".secret");
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(file, e.getValue());
            metas.add(new SecretMeta(e.getKey(), kinds.get(e.getKey()), file.getFileName().toString()));
        }
        metas.sort(Comparator.comparing(SecretMeta::name));
        return List.copyOf(metas);
    }

    private static byte[] readFile(String name, String rawPath) {
        if (rawPath.isBlank()) {
            throw PyroException.invalid("secret '" + name + "' file_path must not be empty");
        }
        Path path = Path.of(rawPath).toAbsolutePath().normalize();
        if (!Files.exists(path)) {
            throw PyroException.invalid("secret file for '" + name + "' does not exist: " + path);
        }
        try {
            if (Files.size(path) > MAX_BYTES) {
                throw PyroException.invalid("secret '" + name + "' must be at most " + MAX_BYTES + " bytes");
            }
            // at most one byte over: a FIFO or /dev/zero has size 0 and would never end
            byte[] value;
            try (java.io.InputStream in = Files.newInputStream(path)) {
                value = in.readNBytes(MAX_BYTES + 1);
            }
            if (value.length > MAX_BYTES) {
                throw PyroException.invalid("secret '" + name + "' must be at most " + MAX_BYTES + " bytes");
            }
            return value;
        } catch (IOException e) {
            throw PyroException.invalid("failed to read secret file for '" + name + "': " + path);
        }
    }

    /** Writes every secret into the guest's {@code /run/pyro-secrets} (0700 dir, 0600 files). */
    public static void install(AgentConnection agent, Path workspaceDir, List<SecretMeta> secrets) throws IOException {
        if (secrets == null || secrets.isEmpty()) {
            return;
        }
        agent.files().mkdir(GUEST_DIR, 0700, true, true);
        for (SecretMeta secret : secrets) {
            byte[] value = Files.readAllBytes(workspaceDir.resolve("secrets").resolve(secret.storedPath()));
            agent.files().write(GUEST_DIR + "/" + secret.name(), value,
                    WriteOptions.defaults().withMode(0600).withAtomic(true).withNofollow(true), TIMEOUT);
        }
    }

    /** Every secret value, longest first (so a value containing another is redacted whole). */
    public static List<String> values(Path workspaceDir, List<SecretMeta> secrets) {
        if (secrets == null || secrets.isEmpty()) {
            return List.of();
        }
        List<String> values = new ArrayList<>();
        for (SecretMeta secret : secrets) {
            try {
                values.add(Files.readString(workspaceDir.resolve("secrets").resolve(secret.storedPath())));
            } catch (IOException e) {
                throw PyroException.runtime("secret '" + secret.name() + "' of this workspace cannot be read", null);
            }
        }
        values.sort(Comparator.comparingInt(String::length).reversed());
        return values;
    }

    /** {@code SECRET -> ENV_VAR} mapped to {@code ENV_VAR -> value}, with the spec's checks. */
    public static Map<String, String> environment(Path workspaceDir, List<SecretMeta> secrets, Map<String, String> secretEnv) {
        if (secretEnv == null || secretEnv.isEmpty()) {
            return Map.of();
        }
        Map<String, String> env = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (Map.Entry<String, String> e : secretEnv.entrySet()) {
            String secret = e.getKey();
            String variable = e.getValue() == null || e.getValue().isEmpty() ? secret : e.getValue();
            if (!NAME.matcher(secret).matches() || !NAME.matcher(variable).matches()) {
                throw PyroException.invalid("secret name must match ^[A-Za-z_][A-Za-z0-9_]{0,63}$");
            }
            if (!seen.add(secret)) {
                throw PyroException.invalid("secret_env references secret '" + secret + "' more than once");
            }
            SecretMeta meta = (secrets == null ? List.<SecretMeta>of() : secrets).stream()
                    .filter(s -> s.name().equals(secret)).findFirst()
                    .orElseThrow(() -> PyroException.invalid("secret_env references unknown workspace secret '"
                            + secret + "'"));
            try {
                env.put(variable, Files.readString(workspaceDir.resolve("secrets").resolve(meta.storedPath())));
            } catch (IOException ex) {
                throw PyroException.runtime("secret '" + secret + "' of this workspace cannot be read", null);
            }
        }
        return env;
    }

    /** Replaces every secret value in {@code text} with {@code [REDACTED]}. */
    public static String redact(String text, List<String> values) {
        if (text == null || values.isEmpty()) {
            return text;
        }
        String result = text;
        for (String value : values) {
            if (!value.isEmpty()) {
                result = result.replace(value, REDACTED);
            }
        }
        return result;
    }
}
