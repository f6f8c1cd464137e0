package dev.pyro.engine.environment;

import java.util.List;

/**
 * {@code environment.json}, written last into a finished install. The artifact sizes let a cheap
 * check tell a complete install from a truncated one.
 */
public record EnvironmentManifest(
        int layoutVersion,
        String name,
        String version,
        String catalogVersion,
        String distribution,
        String distributionVersion,
        String suite,
        List<String> packages,
        int installedPackageCount,
        String digest,
        double builtAt,
        long buildMillis,
        String kernelVersion,
        String source,
        Artifacts artifacts) {

    /** 3: the login profile runs no programs and reads no /proc file ({@link LoginProfile}); older installs are rebuilt. */
    public static final int LAYOUT_VERSION = 3;
    public static final String FILE_NAME = "environment.json";

    /** Paths are relative to the install dir. */
    public record Artifacts(String rootfsImage, long rootfsImageSizeBytes, String rootfsDir) {
    }
}
