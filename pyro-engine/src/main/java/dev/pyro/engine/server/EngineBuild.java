package dev.pyro.engine.server;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Which code an engine runs: the classpath with each entry's size and time. A client built from
 * other code (a rebuilt pyro.jar) replaces the engine instead of talking to a stale one.
 */
final class EngineBuild {

    private static final String CURRENT = compute(System.getProperty("java.class.path", ""));

    private EngineBuild() {
    }

    static String current() {
        return CURRENT;
    }

    static String compute(String classPath) {
        StringBuilder text = new StringBuilder("protocol=").append(EngineProtocol.VERSION);
        for (String entry : classPath.split(File.pathSeparator)) {
            File file = new File(entry);
            text.append('\n').append(file.getAbsolutePath()).append('|').append(file.length()).append('|')
                    .append(file.lastModified());
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
