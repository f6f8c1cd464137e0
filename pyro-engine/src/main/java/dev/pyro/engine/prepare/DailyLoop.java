package dev.pyro.engine.prepare;

import dev.pyro.api.state.BackendName;
import dev.pyro.api.environment.DailyLoopReport;
import dev.pyro.agent.AgentBinaries;
import dev.pyro.engine.backend.vm.QemuBackend;
import dev.pyro.api.PyroPaths;
import dev.pyro.engine.environment.EnvironmentSpec;
import dev.pyro.engine.template.TemplateStatus;
import dev.pyro.api.vm.VmLimits;
import dev.pyro.engine.environment.EnvironmentCatalog;
import dev.pyro.api.environment.EnvironmentInfo;
import dev.pyro.engine.environment.EnvironmentStore;
import dev.pyro.api.Json;
import dev.pyro.protocol.ErrorText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/** The daily-loop manifest: where it lives, how it is read and written, and what it says now. */
public final class DailyLoop {

    private DailyLoop() {
    }

    /** {@code <cache>/.prepare/linux-x86_64/debian_12.json} for {@code debian:12}. */
    public static Path manifestPath(PyroPaths paths, String environment) {
        return paths.cacheDir().resolve(".prepare").resolve(PyroPaths.PLATFORM)
                .resolve(environment.replace('/', '_').replace(':', '_') + ".json");
    }

    /**
     * The version of what runs inside every guest (agent and init): a prepare proved those
     * binaries, so new ones make it stale.
     */
    public static String bundleVersion() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(AgentBinaries.sha256(AgentBinaries.AGENT).getBytes(StandardCharsets.US_ASCII));
            digest.update(AgentBinaries.sha256(AgentBinaries.INIT).getBytes(StandardCharsets.US_ASCII));
            return "agent-" + HexFormat.of().formatHex(digest.digest(), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** When the installed environment was built (null: not installed). */
    public static Double builtAt(PyroPaths paths, String environment) {
        return new EnvironmentStore(paths).info(EnvironmentCatalog.get(environment)).builtAt();
    }

    /** Evaluates the spec's readiness rules (plus a rebuilt install), first match wins. */
    public static DailyLoopReport evaluate(PyroPaths paths, String environment) {
        EnvironmentCatalog.get(environment);
        Path path = manifestPath(paths, environment);
        EnvironmentInfo info = new EnvironmentStore(paths).info(EnvironmentCatalog.get(environment));
        boolean installed = info.installed();
        String cache = paths.cacheDir().toString();
        PrepareManifest manifest;
        try {
            manifest = read(path);
        } catch (IllegalStateException e) {
            return report(paths, environment, DailyLoopReport.STALE, installed, null, path, ErrorText.of(e), cache);
        }
        if (manifest == null) {
            return report(paths, environment, DailyLoopReport.COLD, installed, null, path,
                    installed ? "daily loop has not been prepared yet" : "environment is not installed", cache);
        }
        String reason = !installed ? "environment install is missing"
                : !environment.equals(manifest.environment())
                        ? "prepare manifest environment does not match the selected environment"
                : !EnvironmentCatalog.get(environment).version().equals(manifest.environmentVersion())
                        ? "environment version changed since the last prepare run"
                : !PyroPaths.PLATFORM.equals(manifest.platform()) ? "platform changed since the last prepare run"
                : !EnvironmentCatalog.CATALOG_VERSION.equals(manifest.catalogVersion())
                        ? "catalog version changed since the last prepare run"
                : !bundleVersion().equals(manifest.bundleVersion())
                        ? "runtime bundle version changed since the last prepare run"
                : !java.util.Objects.equals(info.builtAt(), manifest.environmentBuiltAt())
                        ? "environment was rebuilt since the last prepare run"
                : null;
        return report(paths, environment, reason == null ? DailyLoopReport.WARM : DailyLoopReport.STALE, installed, manifest,
                path, reason, cache);
    }

    /** The manifest, or null when there is none; an unusable one throws with the spec's reason. */
    public static PrepareManifest read(Path path) {
        if (!Files.exists(path)) {
            return null;
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(Files.readString(path));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("prepare manifest is unreadable: " + ErrorText.of(e));
        }
        if (node == null || !node.isObject()) {
            throw new IllegalStateException("prepare manifest is not a JSON object");
        }
        try {
            PrepareManifest manifest = Json.MAPPER.treeToValue(node, PrepareManifest.class);
            if (manifest.environment() == null || manifest.environmentVersion() == null) {
                throw new IllegalArgumentException("environment and environment_version are required");
            }
            return manifest;
        } catch (RuntimeException e) {
            throw new IllegalStateException("prepare manifest is invalid: " + ErrorText.of(e));
        }
    }

    /** Writes it atomically, indented, keys sorted. */
    public static void write(Path path, PrepareManifest manifest) throws IOException {
        Files.createDirectories(path.getParent());
        @SuppressWarnings("unchecked")
        Map<String, Object> sorted = new TreeMap<>(Json.MAPPER.convertValue(manifest, Map.class));
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        Files.writeString(tmp, Json.PRETTY.writeValueAsString(sorted) + "\n");
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static DailyLoopReport report(PyroPaths paths, String environment, String status, boolean installed,
                                          PrepareManifest manifest, Path path, String reason, String cache) {
        TemplateStatus template = template(paths, environment, manifest == null ? null : manifest.backend());
        return new DailyLoopReport(environment, status, installed, manifest != null && manifest.networkPrepared(),
                manifest == null ? null : manifest.preparedAt(), path.toString(), reason, cache,
                DailyLoopReport.WARM.equals(status) ? null : "pyro prepare " + environment, template.status(),
                template.reason() != null ? template.reason() : template.path());
    }

    /** The warm template of the prepared backend at the default size (what {@code pyro prepare} builds). */
    public static TemplateStatus template(PyroPaths paths, String environment, String backend) {
        if (backend == null) {
            return new TemplateStatus(TemplateStatus.COLD, "not prepared yet", null);
        }
        if (!BackendName.VM.is(backend)) {
            return new TemplateStatus(TemplateStatus.UNSUPPORTED, backend + " boots cold; see docs/performance.md",
                    null);
        }
        EnvironmentSpec spec = EnvironmentCatalog.get(environment);
        return QemuBackend.templateStatus(paths, spec, new EnvironmentStore(paths).check(spec),
                VmLimits.DEFAULT_VCPU_COUNT, VmLimits.DEFAULT_MEM_MIB);
    }
}
