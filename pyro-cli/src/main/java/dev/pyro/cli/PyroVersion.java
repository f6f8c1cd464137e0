package dev.pyro.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code pyro --version}, from the version the build stamped into the jar. */
public final class PyroVersion implements IVersionProvider {

    public static String version() {
        Properties properties = new Properties();
        try (InputStream in = PyroVersion.class.getResourceAsStream("/dev/pyro/cli/version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return properties.getProperty("version", "unknown");
    }

    @Override
    public String[] getVersion() {
        return new String[] {"pyro " + version()};
    }
}
