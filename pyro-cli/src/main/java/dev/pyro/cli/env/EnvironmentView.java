package dev.pyro.cli.env;

import dev.pyro.cli.output.Fields;
import dev.pyro.api.environment.EnvironmentInfo;
import java.io.PrintWriter;

/** Human rendering of one environment (pull and inspect share it). */
final class EnvironmentView {

    private EnvironmentView() {
    }

    static void print(PrintWriter out, String firstLabel, EnvironmentInfo env) {
        new Fields()
                .add(firstLabel, env.name())
                .add("Version", env.version())
                .add("Distribution", env.distribution() + " " + env.distributionVersion())
                .add("Installed", env.installed() ? "yes" : "no (" + env.reason() + ")")
                .add("Default packages", String.join(", ", env.defaultPackages()))
                .add("Cache dir", env.cacheDir())
                .add("Install dir", env.installDir())
                .add("Source", env.source())
                .add("Digest", env.digest())
                .add("Kernel", env.kernelVersion())
                .print(out);
    }
}
