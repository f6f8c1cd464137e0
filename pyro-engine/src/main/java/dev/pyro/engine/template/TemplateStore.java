package dev.pyro.engine.template;

import dev.pyro.engine.cache.CacheLock;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.api.Json;
import dev.pyro.protocol.ErrorText;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Warm templates on disk: {@code <cache>/templates/linux-x86_64/<env>/<backend>-<size>-<digest>/}
 * with {@code template.json} and the backend's files. Built under a per-key lock (concurrent creates
 * build one), in a temporary directory published by an atomic rename, so a reader sees a whole
 * template or none. A template whose record or files do not check out is treated as absent and
 * rebuilt; publishing one retires the older templates of its family (same backend and size).
 */
public final class TemplateStore {

    public static final int LAYOUT_VERSION = 1;
    private static final String RECORD = "template.json";

    /** Makes a template's files in an empty directory; returns them with their sizes. */
    public interface Builder {
        Map<String, Long> build(Path dir) throws IOException, InterruptedException;
    }

    /**
     * What {@code template.json} holds; {@code environmentCache} is the environment cache the
     * template's environment was installed in (absent in templates made before it was recorded).
     */
    record Record(int layoutVersion, TemplateKey key, double createdAt, long buildMillis, Map<String, Long> files,
                  String environmentCache) {
    }

    private final Path root;
    private final String environmentCache;

    public TemplateStore(PyroPaths paths) {
        this.root = paths.cacheDir().resolve("templates").resolve(PyroPaths.PLATFORM);
        this.environmentCache = paths.environmentCacheDir().toAbsolutePath().normalize().toString();
    }

    public Path dir(TemplateKey key) {
        return root.resolve(key.environmentDir()).resolve(key.dirName());
    }

    /** The published template of {@code key} if it checks out (no lock, no waiting). */
    public Optional<Template> warm(TemplateKey key) {
        return check(key).template();
    }

    /** For doctor and prepare: warm, or cold with the reason. */
    public TemplateStatus status(TemplateKey key) {
        Check check = check(key);
        if (check.template().isPresent()) {
            return new TemplateStatus(TemplateStatus.WARM, null, dir(key).toString());
        }
        String problem = check.problem();
        try {
            problem = recentFailure(failureMarker(key)).orElse(problem);
        } catch (IOException e) {
            // the marker is advisory
        }
        return new TemplateStatus(TemplateStatus.COLD, problem, dir(key).toString());
    }

    /**
     * The warm template of {@code key}, building it first when there is none (or it is broken).
     * Concurrent callers for one key wait for a single build.
     */
    public Template ensure(TemplateKey key, Builder builder) throws IOException, InterruptedException {
        Optional<Template> ready = warm(key);
        if (ready.isPresent()) {
            return ready.get();
        }
        Path dir = dir(key);
        Files.createDirectories(dir.getParent());
        try (CacheLock lock = CacheLock.acquire(dir.resolveSibling(key.family() + "lock"))) {
            Check check = check(key);
            if (check.template().isPresent()) {
                return check.template().get(); // built by whoever held the lock before us
            }
            if (Files.exists(dir)) {
                System.err.println("pyro: template " + dir + " is unusable (" + check.problem() + "); rebuilding it");
                FileTrees.deleteRecursively(dir);
            }
            Path failed = failureMarker(key);
            Optional<String> recent = recentFailure(failed);
            if (recent.isPresent()) {
                throw new IOException(recent.get());
            }
            Path tmp = dir.resolveSibling("." + key.dirName() + ".tmp-" + UUID.randomUUID().toString().substring(0, 8));
            Files.createDirectories(tmp);
            try {
                long started = System.nanoTime();
                Map<String, Long> files;
                try {
                    files = new TreeMap<>(builder.build(tmp));
                } catch (IOException | RuntimeException e) {
                    // remembered, so every create does not pay for a build that fails again
                    Files.writeString(failed, String.valueOf(ErrorText.of(e)));
                    throw e;
                }
                Files.deleteIfExists(failed);
                long buildMillis = (System.nanoTime() - started) / 1_000_000;
                Record record = new Record(LAYOUT_VERSION, key, System.currentTimeMillis() / 1000.0, buildMillis, files,
                        environmentCache);
                Files.writeString(tmp.resolve(RECORD), Json.PRETTY.writeValueAsString(record) + "\n");
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                FileTrees.deleteRecursively(tmp);
            }
            retireFamily(key);
            return warm(key).orElseThrow(() -> new IOException("template " + dir + " does not check out after its build"));
        }
    }

    /**
     * Deletes the templates made from an environment of this store's environment cache that is no
     * longer installed there as it was ({@code installed} says, from a key, whether it still is).
     * Templates made from another environment cache (another {@code PYRO_ENVIRONMENT_CACHE_DIR}),
     * unreadable ones and one whose family is being built right now are left alone. Returns
     * {@code <env dir>/<template dir>} of each deleted template, sorted.
     */
    public List<String> pruneOrphans(Predicate<TemplateKey> installed) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<Path> templates;
        try (Stream<Path> stream = Files.walk(root, 2)) {
            templates = stream.filter(dir -> dir.getNameCount() == root.getNameCount() + 2 && Files.isDirectory(dir)
                    && !dir.getFileName().toString().startsWith(".")).sorted().toList();
        }
        List<String> deleted = new ArrayList<>();
        for (Path dir : templates) {
            Record record;
            try {
                record = readRecord(dir);
            } catch (IOException | RuntimeException e) {
                continue; // not a whole template: the next build of its family cleans it up
            }
            if (!environmentCache.equals(record.environmentCache()) || installed.test(record.key())) {
                continue;
            }
            Optional<CacheLock> lock = CacheLock.tryAcquire(dir.resolveSibling(record.key().family() + "lock"));
            if (lock.isEmpty()) {
                continue; // its family is being built
            }
            try (CacheLock held = lock.get()) {
                FileTrees.deleteRecursively(dir); // workspaces keep their own link to the disk they use
            }
            deleted.add(dir.getParent().getFileName() + "/" + dir.getFileName());
        }
        return List.copyOf(deleted);
    }

    private static Record readRecord(Path dir) throws IOException {
        return Json.MAPPER.readValue(Files.readString(dir.resolve(RECORD)), Record.class);
    }

    /** How long a failed build is not retried (a new key, e.g. a fixed environment, retries at once). */
    static final java.time.Duration FAILED_BUILD_RETRY = java.time.Duration.ofMinutes(10);

    private Path failureMarker(TemplateKey key) {
        return dir(key).resolveSibling("." + key.dirName() + ".failed");
    }

    private static Optional<String> recentFailure(Path marker) throws IOException {
        if (!Files.isRegularFile(marker)) {
            return Optional.empty();
        }
        java.time.Duration age = java.time.Duration.between(Files.getLastModifiedTime(marker).toInstant(),
                java.time.Instant.now());
        if (age.compareTo(FAILED_BUILD_RETRY) > 0) {
            return Optional.empty();
        }
        return Optional.of("the last build of this template failed " + age.toSeconds() + " s ago ("
                + Files.readString(marker).strip() + "); it is retried " + FAILED_BUILD_RETRY.toMinutes()
                + " min after the failure");
    }

    /** Removes a template found broken while using it (its directory), so the next create rebuilds it. */
    public void discard(Path dir, String why) {
        String name = dir.getFileName().toString();
        Path lockFile = dir.resolveSibling(name.substring(0, name.lastIndexOf('-') + 1) + "lock");
        try (CacheLock lock = CacheLock.acquire(lockFile)) {
            if (Files.exists(dir)) {
                System.err.println("pyro: discarding template " + dir + ": " + why);
                FileTrees.deleteRecursively(dir);
            }
        } catch (IOException e) {
            System.err.println("pyro: cannot discard template " + dir + ": " + ErrorText.of(e));
        }
    }

    /**
     * Older templates of the family (other keys), builds cut short and old failure markers; called
     * under the family lock, whose file stays.
     */
    private void retireFamily(TemplateKey key) throws IOException {
        String keep = key.dirName();
        try (DirectoryStream<Path> siblings = Files.newDirectoryStream(dir(key).getParent())) {
            for (Path sibling : siblings) {
                String name = sibling.getFileName().toString();
                boolean ours = name.startsWith(key.family()) || name.startsWith("." + key.family());
                if (!ours || name.equals(keep) || name.equals(key.family() + "lock")) {
                    continue;
                }
                if (Files.isDirectory(sibling)) {
                    FileTrees.deleteRecursively(sibling); // workspaces keep their own link to the disk they use
                } else {
                    Files.deleteIfExists(sibling);
                }
            }
        }
    }

    private record Check(Optional<Template> template, String problem) {
        static Check bad(String problem) {
            return new Check(Optional.empty(), problem);
        }
    }

    private Check check(TemplateKey key) {
        Path dir = dir(key);
        Path file = dir.resolve(RECORD);
        if (!Files.isRegularFile(file)) {
            return Check.bad(Files.isDirectory(dir.getParent()) ? "no template for this environment, kernel, "
                    + "guest bundle and size yet" : "no template yet");
        }
        Record record;
        try {
            record = readRecord(dir);
        } catch (IOException | RuntimeException e) {
            return Check.bad("template.json is unreadable: " + ErrorText.of(e));
        }
        if (record.layoutVersion() != LAYOUT_VERSION || !key.equals(record.key()) || record.files() == null
                || record.files().isEmpty()) {
            return Check.bad("template.json does not match what the template should be made from");
        }
        for (Map.Entry<String, Long> entry : record.files().entrySet()) {
            Path f = dir.resolve(entry.getKey());
            try {
                if (!Files.isRegularFile(f) || !Files.isReadable(f) || Files.size(f) != entry.getValue()) {
                    return Check.bad(entry.getKey() + " is missing or has the wrong size");
                }
            } catch (IOException e) {
                return Check.bad(entry.getKey() + " is unreadable: " + ErrorText.of(e));
            }
        }
        return new Check(Optional.of(new Template(key, dir, record.createdAt(), record.buildMillis(),
                Map.copyOf(record.files()))), null);
    }
}
