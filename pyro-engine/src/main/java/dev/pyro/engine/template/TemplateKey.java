package dev.pyro.engine.template;

import dev.pyro.api.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Everything a warm template was made from. A template is reused only for an equal key, so a
 * rebuilt environment, another kernel, agent/init bundle or QEMU build, or another size or
 * accelerator each make (and need) a template of their own.
 *
 * @param environmentBuiltAt when the installed environment was built (a rebuild changes it)
 * @param runtime the sandbox runtime's build (for {@code vm}: the QEMU binary's size and mtime)
 * @param bundle the guest agent and init as injected (for {@code vm}: the initramfs file name)
 */
public record TemplateKey(
        String environment,
        String environmentVersion,
        Double environmentBuiltAt,
        String backend,
        String accelerator,
        int vcpuCount,
        int memMib,
        String kernelVersion,
        String bundle,
        String runtime) {

    /** {@code vm-1x1024-<digest>}: one directory per key; the prefix groups a family that replaces itself. */
    public String dirName() {
        return family() + digest();
    }

    /** Templates of the same backend and size: a new one retires the older ones. */
    public String family() {
        return backend + "-" + vcpuCount + "x" + memMib + "-";
    }

    /** The environment's directory name under the store: {@code debian_12}. */
    public String environmentDir() {
        return environment.replace('/', '_').replace(':', '_');
    }

    private String digest() {
        try {
            byte[] json = Json.MAPPER.writeValueAsString(this).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
