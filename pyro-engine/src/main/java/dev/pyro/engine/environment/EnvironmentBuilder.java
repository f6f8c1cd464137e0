package dev.pyro.engine.environment;

import dev.pyro.engine.cache.CacheLock;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.engine.host.HostPrivilege;
import dev.pyro.engine.host.HostTools;
import dev.pyro.engine.host.UserNamespace;
import dev.pyro.engine.process.HostCommand;
import dev.pyro.api.Progress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Builds one environment from Debian packages into a staging dir: a root directory (for gVisor) and
 * an ext4 image of it (for the vm backend). Uses the host's own apt sources, so nothing is fetched
 * from anywhere but the package archive the host already uses, and keeps downloaded packages in
 * the cache so a rebuild does not fetch them again.
 */
public final class EnvironmentBuilder {

    static final String ROOTFS_DIR = "rootfs";
    static final String ROOTFS_IMAGE = "rootfs.ext4";
    // Sparse: only used blocks take host disk. The size is what a workspace can grow to.
    private static final String IMAGE_SIZE = "4G";

    // mmdebstrap's own step messages, in order, so progress can count them.
    private static final List<String> MMDEBSTRAP_STEPS = List.of(
            "running apt-get update", "downloading packages", "extracting archives",
            "installing essential packages", "installing remaining packages", "cleaning package lists",
            "success");

    static final String SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final PyroPaths paths;

    public EnvironmentBuilder(PyroPaths paths) {
        this.paths = paths;
    }

    /** Builds into {@code staging} (which must exist and be empty) and returns the manifest to write. */
    EnvironmentManifest build(EnvironmentSpec spec, Path staging, Progress progress, String kernelVersion)
            throws IOException, InterruptedException {
        long started = System.currentTimeMillis();
        Path rootfs = staging.resolve(ROOTFS_DIR);
        Path packageCache = paths.packageCacheDir().resolve(spec.suite());
        Files.createDirectories(packageCache);

        progress.phase("packages", "environment=" + spec.name());
        List<String> argv = new ArrayList<>(buildPrefix(HostPrivilege.current()));
        argv.addAll(List.of("mmdebstrap",
                "--mode=root", "--format=directory", "--variant=" + spec.variant(),
                "--include=" + String.join(",", spec.packages()),
                "--setup-hook=mkdir -p \"$1\"/var/cache/apt/archives",
                "--setup-hook=sync-in " + packageCache + " /var/cache/apt/archives",
                "--customize-hook=sync-out /var/cache/apt/archives " + packageCache,
                "--skip=download/empty"));
        if (!HostPrivilege.current().hostRoot()) {
            // No device nodes in a user namespace (mknod is EPERM); the guests' /dev is a tmpfs anyway.
            argv.add("--skip=output/mknod");
        }
        argv.addAll(List.of(spec.suite(), rootfs.toString()));
        argv.addAll(hostAptSources());
        int[] step = {0};
        // One build of a suite at a time reads and fills its package cache: two at once (debian:12
        // and debian:12-base on a new machine) broke each other's sync-in ("file changed as we
        // read it") and sync-out (exit 13). The second then finds the first one's downloads.
        try (CacheLock packages = CacheLock.acquire(packageCache.resolveSibling(spec.suite() + ".lock"))) {
            // An ordinary user's PATH lacks the sbin dirs that dpkg and its maintainer scripts need.
            HostCommand.of(argv).env("PATH", SYSTEM_PATH).onLine(line -> {
                for (int i = step[0]; i < MMDEBSTRAP_STEPS.size(); i++) {
                    if (line.contains(MMDEBSTRAP_STEPS.get(i))) {
                        step[0] = i + 1;
                        progress.step(step[0], MMDEBSTRAP_STEPS.size(), MMDEBSTRAP_STEPS.get(i));
                        break;
                    }
                }
            }).run();
        }

        progress.phase("configure", "environment=" + spec.name());
        prepareGuestTree(rootfs);
        Map<String, String> installedPackages = installedPackages(rootfs);

        progress.phase("image", "environment=" + spec.name());
        Path image = staging.resolve(ROOTFS_IMAGE);
        // Rootless: inside the namespace, so the image records the guest's owners (_apt, man, ...),
        // not the subordinate ids they have on the host, and files only those ids may read are read.
        // By its path: an ordinary user's PATH lacks /usr/sbin, where mke2fs lives.
        String mke2fs = HostTools.which("mke2fs").map(Path::toString).orElse("mke2fs");
        HostCommand.of(UserNamespace.command(List.of(mke2fs, "-q", "-t", "ext4", "-L", "pyro-root",
                "-d", rootfs.toString(), "-E", "lazy_itable_init=1,lazy_journal_init=1", "-F", image.toString(),
                IMAGE_SIZE))).run();

        return new EnvironmentManifest(EnvironmentManifest.LAYOUT_VERSION, spec.name(), spec.version(),
                EnvironmentCatalog.CATALOG_VERSION, spec.distribution(), spec.distributionVersion(),
                spec.suite(), spec.packages(), installedPackages.size(), digest(installedPackages),
                System.currentTimeMillis() / 1000.0, System.currentTimeMillis() - started, kernelVersion,
                "mmdebstrap " + spec.suite() + " " + spec.variant(),
                new EnvironmentManifest.Artifacts(ROOTFS_IMAGE, Files.size(image), ROOTFS_DIR));
    }

    /**
     * What runs mmdebstrap. Root of the host: nothing (its root mode, as in round 1). An ordinary
     * user: mmdebstrap's root mode as root of a user namespace of the user's own ({@link
     * UserNamespace}: uid 0 is the user, 1..65535 the subordinate ids, so every package file keeps
     * its owner) and, in it, a pid namespace with its own /proc, which mmdebstrap mounts into the
     * chroot (a user namespace may mount proc only for a pid namespace it owns). Measured: 24 s for
     * the essential variant. This keeps one code path with root, package cache hooks included.
     * Root of such a namespace already (a rootless engine): only the pid namespace.
     */
    static List<String> buildPrefix(HostPrivilege privilege) {
        List<String> pid = List.of("unshare", "--pid", "--fork", "--mount-proc", "--");
        return switch (privilege) {
            case ROOT -> List.of();
            case USER_NAMESPACE -> pid;
            case USER -> {
                List<String> both = new ArrayList<>(UserNamespace.command(List.of()));
                both.addAll(pid);
                yield both;
            }
        };
    }

    /** What every guest expects: a /workspace to work in, a stable host name, a login profile without forks. */
    private static void prepareGuestTree(Path rootfs) throws IOException {
        Files.createDirectories(rootfs.resolve("workspace"));
        Files.writeString(rootfs.resolve("etc/hostname"), "pyro\n");
        Files.writeString(rootfs.resolve("etc/hosts"), "127.0.0.1\tlocalhost\n127.0.1.1\tpyro\n"
                + "::1\tlocalhost ip6-localhost ip6-loopback\n");
        LoginProfile.trim(rootfs);
    }

    // Added by scripts/host-setup.sh for the host's runsc only; guests keep the plain release.
    static final String HOST_ONLY_SOURCE = "pyro-backports.sources";

    /** The host's apt source files, passed to mmdebstrap as they are (less our host-only one). */
    static List<String> hostAptSources() throws IOException {
        List<String> sources = new ArrayList<>();
        Path single = Path.of("/etc/apt/sources.list");
        if (Files.isRegularFile(single) && Files.size(single) > 0) {
            sources.add(single.toString());
        }
        Path dir = Path.of("/etc/apt/sources.list.d");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(f -> f.toString().endsWith(".list") || f.toString().endsWith(".sources"))
                        .filter(f -> !f.getFileName().toString().equals(HOST_ONLY_SOURCE))
                        .sorted().map(Path::toString).forEach(sources::add);
            }
        }
        if (sources.isEmpty()) {
            throw new IOException("no apt sources on this host (/etc/apt/sources.list[.d]); "
                    + "environments are built from the host's Debian package sources");
        }
        return sources;
    }

    /** Package name → version, from the rootfs's dpkg database. */
    static Map<String, String> installedPackages(Path rootfs) throws IOException {
        Map<String, String> packages = new TreeMap<>();
        String name = null;
        String version = null;
        for (String line : Files.readAllLines(rootfs.resolve("var/lib/dpkg/status"), StandardCharsets.UTF_8)) {
            if (line.startsWith("Package: ")) {
                name = line.substring(9).trim();
            } else if (line.startsWith("Version: ")) {
                version = line.substring(9).trim();
            } else if (line.isEmpty()) {
                if (name != null && version != null) {
                    packages.put(name, version);
                }
                name = null;
                version = null;
            }
        }
        if (name != null && version != null) {
            packages.put(name, version);
        }
        return packages;
    }

    /** A digest of exactly which package versions the environment holds. */
    static String digest(Map<String, String> packages) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            packages.forEach((name, version) ->
                    sha.update((name + "=" + version + "\n").getBytes(StandardCharsets.UTF_8)));
            return "sha256:" + HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
