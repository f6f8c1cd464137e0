package dev.pyro.engine.kernel;

import dev.pyro.api.PyroException;
import dev.pyro.engine.cache.CacheLock;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.api.Json;
import dev.pyro.engine.process.HostCommand;
import dev.pyro.engine.process.HostCommandException;
import dev.pyro.api.Progress;
import dev.pyro.protocol.ErrorText;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;

/**
 * Builds the guest kernel from the distribution's kernel source ({@code linux-source-6.1}) with the
 * checked-in Kconfig fragment, into {@code <cache>/kernels/linux-x86_64/<version>/} holding only
 * {@code bzImage} and {@code kernel.json}. The version names the source and the config digest, so a
 * changed config or a new source package gives a new kernel instead of silently reusing the old one.
 * Builds run under one lock in a staging dir renamed into place, like environments: a concurrent
 * caller waits and reuses the result, and a failed build never looks installed.
 */
public final class KernelBuilder {

    public static final String SOURCE_PACKAGE = "linux-source-6.1";
    public static final String IMAGE = "bzImage";
    public static final String MANIFEST = "kernel.json";
    static final Path SOURCE_TARBALL = Path.of("/usr/src/linux-source-6.1.tar.xz");
    static final String CONFIG_RESOURCE = "guest-x86_64.config";
    /** "  CC" lines of a full build of this config (measured on linux-source-6.1 6.1.192-2); progress only. */
    static final long EXPECTED_OBJECTS = 935;

    private static final byte[] CONFIG = loadConfig();
    private static final String CONFIG_SHA256 = sha256(CONFIG);
    private static volatile SourceMemo sourceMemo;

    private final PyroPaths paths;
    private final Path tarball;
    private final Supplier<Optional<String>> sourceVersion;

    public KernelBuilder(PyroPaths paths) {
        this(paths, SOURCE_TARBALL, KernelBuilder::installedSourceVersion);
    }

    /** For tests: a different tarball and a fixed answer to "which source package is installed". */
    KernelBuilder(PyroPaths paths, Path tarball, Supplier<Optional<String>> sourceVersion) {
        this.paths = paths;
        this.tarball = tarball;
        this.sourceVersion = sourceVersion;
    }

    /**
     * The version a build would produce on this host now, e.g. {@code 6.1.192-pyro-1a2b3c4d}, without
     * building or looking at the cache. Fails with the fix when the source package is missing.
     */
    public static String expectedVersion() {
        return versionFor(installedSourceVersion().orElseThrow(KernelBuilder::sourceMissing));
    }

    /** The valid installed kernel for this config, without building anything. */
    public Optional<GuestKernel> installed() {
        Optional<String> source = sourceVersion.get();
        if (source.isPresent()) {
            return check(paths.kernelDir().resolve(versionFor(source.get())));
        }
        // The source package may be removed after a build (it is 138 MB): any valid kernel built
        // from this config still boots, so use the newest one rather than demand a rebuild.
        return newestForThisConfig();
    }

    /** The installed kernel, building it first (minutes) if there is none. */
    public GuestKernel ensureBuilt(Progress progress) {
        Optional<GuestKernel> ready = installed();
        if (ready.isPresent()) {
            return ready.get();
        }
        String source = sourceVersion.get()
                .filter(v -> Files.isRegularFile(tarball))
                .orElseThrow(KernelBuilder::sourceMissing);
        String version = versionFor(source);
        Path target = paths.kernelDir().resolve(version);
        try (CacheLock lock = CacheLock.acquire(paths.kernelDir().resolve(".lock"))) {
            Optional<GuestKernel> built = check(target); // another process may have built it while we waited
            if (built.isPresent()) {
                return built.get();
            }
            removeLeftovers();
            build(version, source, target, progress);
            return check(target).orElseThrow(() -> PyroException.runtime(
                    "the guest kernel " + version + " was built but its install at " + target + " is invalid", null));
        } catch (HostCommandException e) {
            throw PyroException.runtime("building the guest kernel " + version + " failed: " + ErrorText.of(e)
                    + "\nCheck the host with: pyro doctor (pyro doctor --fix installs missing packages)", e);
        } catch (IOException e) {
            throw PyroException.runtime("building the guest kernel " + version + " failed: " + ErrorText.of(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PyroException.runtime("building the guest kernel " + version + " was interrupted", e);
        }
    }

    private void build(String version, String source, Path target, Progress progress)
            throws IOException, InterruptedException {
        long started = System.nanoTime();
        Path staging = FileTrees.createStaging(paths.kernelDir(), version).toAbsolutePath();
        boolean published = false;
        try {
            Path src = Files.createDirectory(staging.resolve("src"));
            progress.phase("kernel", "extracting " + SOURCE_PACKAGE + " " + source);
            HostCommand.of("tar", "-xf", tarball.toString(), "-C", src.toString(), "--strip-components=1").run();

            progress.phase("kernel", "configuring " + version);
            Path fragment = staging.resolve("guest.config");
            Files.write(fragment, CONFIG);
            make(src, "allnoconfig").env("KCONFIG_ALLCONFIG", fragment.toString()).run();
            List<String> lost = lostSettings(
                    new String(CONFIG, StandardCharsets.UTF_8), Files.readString(src.resolve(".config")));
            if (!lost.isEmpty()) {
                // Kconfig drops a setting whose dependencies are unmet, without an error; a kernel
                // without, say, virtio-blk would build fine and then not boot.
                throw new IOException("the kernel config did not keep: " + String.join(", ", lost));
            }

            int jobs = Runtime.getRuntime().availableProcessors();
            progress.phase("kernel", "compiling " + version + " with " + jobs + " jobs");
            long[] compiled = {0};
            make(src, "-j" + jobs, IMAGE).onLine(line -> {
                if (line.startsWith("  CC")) {
                    compiled[0]++;
                    progress.step(compiled[0], Math.max(EXPECTED_OBJECTS, compiled[0] + 1), line.trim());
                }
            }).run();
            progress.step(compiled[0], compiled[0], IMAGE);

            Path image = staging.resolve(IMAGE);
            Files.copy(src.resolve("arch/x86/boot/bzImage"), image);
            FileTrees.deleteRecursively(src); // ~1.5 GB of source and objects we never need again
            Files.delete(fragment);
            Manifest manifest = new Manifest(version, SOURCE_PACKAGE, source, CONFIG_SHA256,
                    System.currentTimeMillis() / 1000.0, IMAGE, Files.size(image),
                    Math.round((System.nanoTime() - started) / 1e7) / 100.0);
            Path tmp = staging.resolve(MANIFEST + ".tmp");
            Json.writeFile(tmp, manifest);
            Files.move(tmp, staging.resolve(MANIFEST));
            FileTrees.publish(staging, target);
            published = true;
        } finally {
            if (!published) {
                FileTrees.deleteRecursively(staging);
            }
        }
    }

    private static HostCommand make(Path src, String... targets) {
        List<String> argv = new ArrayList<>(List.of("make"));
        argv.addAll(List.of(targets));
        // Fixed build user and host: the guest's uname -v should not carry the host user's name.
        return HostCommand.of(argv).in(src).env("LC_ALL", "C")
                .env("KBUILD_BUILD_USER", "pyro").env("KBUILD_BUILD_HOST", "pyro");
    }

    /** Settings of the fragment that the resolved {@code .config} does not have, as "CONFIG_X=v (got w)". */
    static List<String> lostSettings(String fragment, String dotConfig) {
        Map<String, String> resolved = settings(dotConfig);
        List<String> lost = new ArrayList<>();
        settings(fragment).forEach((name, wanted) -> {
            String got = resolved.getOrDefault(name, "n");
            if (!got.equals(wanted)) {
                lost.add(name + "=" + wanted + " (got " + got + ")");
            }
        });
        return lost;
    }

    private static Map<String, String> settings(String config) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String line : config.split("\n")) {
            line = line.strip();
            int eq = line.indexOf('=');
            if (line.startsWith("CONFIG_") && eq > 0) {
                settings.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return settings;
    }

    /**
     * Every build holds the kernel lock, so a staging dir seen under it is from a crashed build. The
     * lock is not the only guard: a staging dir whose builder process still runs is never removed.
     */
    void removeLeftovers() throws IOException {
        FileTrees.removeAbandonedStaging(paths.kernelDir());
    }

    /** The kernel in {@code dir} if its manifest names this dir and this config and its image is whole. */
    Optional<GuestKernel> check(Path dir) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        Path manifestFile = dir.resolve(MANIFEST);
        Path image = dir.resolve(IMAGE);
        try {
            if (!Files.isRegularFile(manifestFile, LinkOption.NOFOLLOW_LINKS)
                    || !Files.isRegularFile(image, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            Manifest m = Json.MAPPER.readValue(manifestFile.toFile(), Manifest.class);
            boolean valid = m != null
                    && dir.getFileName().toString().equals(m.version())
                    && CONFIG_SHA256.equals(m.configSha256())
                    && IMAGE.equals(m.image())
                    && m.imageSizeBytes() > 0
                    && Files.size(image) == m.imageSizeBytes();
            return valid
                    ? Optional.of(new GuestKernel(m.version(), dir, image, m.imageSizeBytes(), m.sourceVersion(),
                            m.configSha256()))
                    : Optional.empty();
        } catch (JacksonException | IllegalArgumentException | IOException e) {
            return Optional.empty();
        }
    }

    private Optional<GuestKernel> newestForThisConfig() {
        Path dir = paths.kernelDir();
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        String suffix = "-pyro-" + CONFIG_SHA256.substring(0, 8);
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(c -> c.getFileName().toString().endsWith(suffix))
                    .map(this::check).flatMap(Optional::stream)
                    .max(Comparator.comparing(KernelBuilder::modified));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static FileTime modified(GuestKernel kernel) {
        try {
            return Files.getLastModifiedTime(kernel.image());
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /** {@code 6.1.192-2} (Debian: upstream-revision) becomes {@code 6.1.192-pyro-<config digest>}. */
    static String versionFor(String sourceVersion) {
        int dash = sourceVersion.lastIndexOf('-');
        String upstream = dash > 0 ? sourceVersion.substring(0, dash) : sourceVersion;
        // It names a directory: keep it to safe characters whatever dpkg says.
        return upstream.replaceAll("[^A-Za-z0-9.+~]", "_") + "-pyro-" + CONFIG_SHA256.substring(0, 8);
    }

    static String configSha256() {
        return CONFIG_SHA256;
    }

    /**
     * The Debian version of the installed source package, if its tarball is there. dpkg-query takes
     * tens of milliseconds and the engine asks before every VM start, so the answer is kept until
     * the tarball changes.
     */
    static Optional<String> installedSourceVersion() {
        FileTime stamp;
        try {
            stamp = Files.getLastModifiedTime(SOURCE_TARBALL);
        } catch (IOException e) {
            return Optional.empty();
        }
        SourceMemo memo = sourceMemo;
        if (memo != null && memo.tarballModified().equals(stamp)) {
            return memo.version();
        }
        Optional<String> version;
        try {
            HostCommand.Result result = HostCommand.of("dpkg-query", "-W", "--showformat=${Version}", SOURCE_PACKAGE)
                    .runAllowingFailure();
            String out = result.output().strip();
            version = result.exitCode() == 0 && !out.isEmpty() ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            version = Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        sourceMemo = new SourceMemo(stamp, version);
        return version;
    }

    private static PyroException sourceMissing() {
        return new PyroException(PyroException.Kind.RUNTIME, "the guest kernel is built from the Debian package "
                + SOURCE_PACKAGE + " (" + SOURCE_TARBALL + "), which is not installed; run: pyro doctor --fix"
                + " (or: apt-get install " + SOURCE_PACKAGE + ")");
    }

    private static byte[] loadConfig() {
        try (InputStream in = KernelBuilder.class.getResourceAsStream(CONFIG_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(CONFIG_RESOURCE + " is not packed into this build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code kernel.json}, written last into a finished build (snake_case via {@link Json}). */
    record Manifest(String version, String sourcePackage, String sourceVersion, String configSha256,
            double builtAt, String image, long imageSizeBytes, double buildSeconds) {
    }

    private record SourceMemo(FileTime tarballModified, Optional<String> version) {
    }
}
