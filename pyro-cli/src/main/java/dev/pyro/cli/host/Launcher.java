package dev.pyro.cli.host;

import dev.pyro.api.PyroException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How a chat host starts this pyro: the absolute path of the {@code ./pyro} launcher that is
 * running now (it exports {@code PYRO_LAUNCHER}), else {@code java -jar /abs/pyro.jar} when pyro
 * runs straight from its jar. Never a relative path: hosts start servers from their own cwd.
 */
public final class Launcher {

    public static final String ENV = "PYRO_LAUNCHER";

    private Launcher() {
    }

    /** The launcher argv; {@code installedPackage} means the bare {@code pyro} found on PATH. */
    public static List<String> argv(boolean installedPackage) {
        if (installedPackage) {
            return List.of("pyro");
        }
        String exported = System.getenv(ENV);
        if (exported != null && !exported.isBlank()) {
            Path path = Path.of(exported);
            if (!path.isAbsolute() || !Files.isRegularFile(path) || !Files.isExecutable(path)) {
                throw PyroException.invalid(ENV + "=" + exported + " is not an absolute path to an executable "
                        + "file; run pyro through its launcher (./pyro) or pass --installed-package");
            }
            return List.of(path.normalize().toString());
        }
        Path jar = runningJar();
        if (jar != null) {
            return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString());
        }
        throw PyroException.invalid("cannot tell how to start this pyro: run it through its launcher (./pyro), "
                + "which exports " + ENV + ", or pass --installed-package to use the pyro on PATH");
    }

    private static Path runningJar() {
        try {
            var source = Launcher.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return null;
            }
            Path path = Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
            return Files.isRegularFile(path) && path.toString().endsWith(".jar") ? path : null;
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return null;
        }
    }
}
