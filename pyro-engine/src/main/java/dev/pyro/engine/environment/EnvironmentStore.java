package dev.pyro.engine.environment;

import dev.pyro.api.environment.PruneResult;
import dev.pyro.api.environment.EnvironmentInfo;
import dev.pyro.engine.cache.CacheLock;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.api.Json;
import dev.pyro.protocol.ErrorText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The installed environments on disk: where they live, which are valid, and removal of the rest.
 * A valid install has a readable {@code environment.json} naming this entry and every artifact it
 * lists present, regular and of the recorded size. Anything else counts as not installed.
 */
public final class EnvironmentStore {

    private final PyroPaths paths;

    public EnvironmentStore(PyroPaths paths) {
        this.paths = paths;
    }

    public PyroPaths paths() {
        return paths;
    }

    public Path platformDir() {
        return paths.environmentPlatformDir();
    }

    public Path installDir(EnvironmentSpec spec) {
        return platformDir().resolve(spec.installDirName());
    }

    /** The lock that serializes builds (and pruning) of one environment across processes. */
    Path lockFile(EnvironmentSpec spec) {
        return platformDir().resolve(".lock-" + spec.key());
    }

    public InstallState check(EnvironmentSpec spec) {
        Path dir = installDir(spec);
        if (Files.isSymbolicLink(dir)) {
            return InstallState.invalid(dir, "install dir is a symbolic link");
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return InstallState.invalid(dir, "not pulled yet");
        }
        Path manifestFile = dir.resolve(EnvironmentManifest.FILE_NAME);
        if (!Files.isRegularFile(manifestFile, LinkOption.NOFOLLOW_LINKS)) {
            return InstallState.invalid(dir, EnvironmentManifest.FILE_NAME + " is missing");
        }
        EnvironmentManifest manifest;
        try {
            JsonNode node = Json.MAPPER.readTree(manifestFile.toFile());
            if (node == null || !node.isObject()) {
                return InstallState.invalid(dir, EnvironmentManifest.FILE_NAME + " is not a JSON object");
            }
            manifest = Json.MAPPER.treeToValue(node, EnvironmentManifest.class);
        } catch (JacksonException | IllegalArgumentException e) {
            return InstallState.invalid(dir, EnvironmentManifest.FILE_NAME + " is unreadable: "
                    + firstLine(ErrorText.of(e)));
        }
        if (manifest.layoutVersion() != EnvironmentManifest.LAYOUT_VERSION) {
            return InstallState.invalid(dir, "install layout " + manifest.layoutVersion() + " is outdated");
        }
        if (!spec.name().equals(manifest.name()) || !spec.version().equals(manifest.version())) {
            return InstallState.invalid(dir, EnvironmentManifest.FILE_NAME + " describes "
                    + manifest.name() + " " + manifest.version() + ", not " + spec.name() + " " + spec.version());
        }
        EnvironmentManifest.Artifacts artifacts = manifest.artifacts();
        if (artifacts == null || artifacts.rootfsImage() == null || artifacts.rootfsDir() == null) {
            return InstallState.invalid(dir, EnvironmentManifest.FILE_NAME + " lists no artifacts");
        }
        Optional<String> problem = imageProblem(dir, artifacts.rootfsImage(), artifacts.rootfsImageSizeBytes())
                .or(() -> rootfsDirProblem(dir, artifacts.rootfsDir()));
        return problem.map(p -> InstallState.invalid(dir, p)).orElseGet(() -> InstallState.valid(dir, manifest));
    }

    private static Optional<String> imageProblem(Path dir, String name, long expectedSize) {
        Path image = inside(dir, name);
        if (image == null) {
            return Optional.of("artifact path " + name + " leaves the install dir");
        }
        if (!Files.isRegularFile(image, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of(name + " is missing");
        }
        if (!Files.isReadable(image)) {
            return Optional.of(name + " is not readable");
        }
        try {
            long size = Files.size(image);
            if (size != expectedSize) {
                return Optional.of(name + " is " + size + " bytes, expected " + expectedSize + " (truncated?)");
            }
        } catch (IOException e) {
            return Optional.of(name + " cannot be read: " + ErrorText.of(e));
        }
        return Optional.empty();
    }

    private static Optional<String> rootfsDirProblem(Path dir, String name) {
        Path rootfs = inside(dir, name);
        if (rootfs == null) {
            return Optional.of("artifact path " + name + " leaves the install dir");
        }
        if (!Files.isDirectory(rootfs, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of(name + "/ is missing");
        }
        if (!Files.isRegularFile(rootfs.resolve("usr/bin/sh")) && !Files.isRegularFile(rootfs.resolve("bin/sh"))) {
            return Optional.of(name + "/ has no /bin/sh (partial rootfs)");
        }
        return Optional.empty();
    }

    private static Path inside(Path dir, String relative) {
        Path resolved = dir.resolve(relative).normalize();
        return resolved.startsWith(dir) && !resolved.equals(dir) ? resolved : null;
    }

    public EnvironmentInfo info(EnvironmentSpec spec) {
        return info(spec, check(spec), paths.environmentCacheDir().toString());
    }

    public List<EnvironmentInfo> list() {
        return EnvironmentCatalog.all().stream().map(this::info).toList();
    }

    /**
     * Deletes what is not a valid install of a current catalog entry: old versions, unknown dirs,
     * invalid installs and leftover {@code .partial-*} staging dirs. An environment being built
     * right now (its lock is held) is left alone.
     */
    public PruneResult prune() throws IOException {
        Path platform = platformDir();
        if (!Files.isDirectory(platform)) {
            return PruneResult.ofEnvironmentDirs(List.of());
        }
        Set<String> valid = EnvironmentCatalog.all().stream()
                .filter(spec -> check(spec).installed())
                .map(EnvironmentSpec::installDirName)
                .collect(Collectors.toSet());
        List<String> deleted = new ArrayList<>();
        List<Path> children;
        try (Stream<Path> stream = Files.list(platform)) {
            children = stream.sorted().toList();
        }
        for (Path child : children) {
            String name = child.getFileName().toString();
            if (name.startsWith(".lock-") || valid.contains(name)) {
                continue;
            }
            if (FileTrees.stagingInUse(child)) {
                continue; // its builder still runs, whatever lock it did or did not take
            }
            Optional<EnvironmentSpec> owner = ownerOf(name);
            if (owner.isPresent()) {
                Optional<CacheLock> lock = CacheLock.tryAcquire(lockFile(owner.get()));
                if (lock.isEmpty()) {
                    continue; // being built right now
                }
                try (CacheLock held = lock.get()) {
                    FileTrees.deleteRecursively(child);
                }
            } else {
                FileTrees.deleteRecursively(child);
            }
            deleted.add(name);
        }
        return PruneResult.ofEnvironmentDirs(deleted);
    }

    /** The catalog entry whose install or staging dir this is, if any. */
    private static Optional<EnvironmentSpec> ownerOf(String dirName) {
        String bare = dirName.startsWith(".partial-") ? dirName.substring(".partial-".length()) : dirName;
        return EnvironmentCatalog.all().stream()
                .filter(spec -> bare.equals(spec.installDirName()) || bare.startsWith(spec.installDirName() + "-"))
                .findFirst();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static EnvironmentInfo info(EnvironmentSpec spec, InstallState state, String cacheDir) {
        EnvironmentManifest m = state.manifest();
        return new EnvironmentInfo(spec.name(), spec.version(), spec.description(), spec.distribution(),
                spec.distributionVersion(), spec.defaultPackages(), EnvironmentCatalog.CATALOG_VERSION,
                state.installed(), state.reason(), state.installDir().toString(), cacheDir,
                "debian " + spec.suite() + " packages, built locally",
                m == null ? null : m.digest(),
                m == null ? null : m.builtAt(),
                m == null ? null : m.kernelVersion());
    }
}
