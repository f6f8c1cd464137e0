package dev.pyro.engine.backend.vm;

import dev.pyro.api.Json;
import dev.pyro.engine.doctor.BootProbe;
import dev.pyro.protocol.ErrorText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Whether a guest really boots under KVM here. {@code /dev/kvm} can exist and open yet not run a
 * stock kernel (a nested software layer), so the only honest test is a boot: the guest kernel with
 * no root disk must get as far as panicking for want of a root file system, and reboot (QEMU exits
 * on {@code -no-reboot}). The result is cached per kernel version and host boot.
 */
public final class KvmBootProbe {

    /** @param result {@code passed} or {@code failed} ({@link BootProbe}; a string: kvm-boot.json's field) */
    public record Result(String kernelVersion, String bootId, String result, String detail, long durationMillis) {
    }

    private static final long TIMEOUT_SECONDS = 20;
    private static final List<String> MARKERS = List.of("Unable to mount root fs", "Kernel panic - not syncing");

    private final Path cacheFile;

    public KvmBootProbe(Path probeDir) {
        this.cacheFile = probeDir.resolve("kvm-boot.json");
    }

    /** The last recorded probe of this host boot, whatever kernel it used. */
    public java.util.Optional<Result> cachedForThisBoot() {
        try {
            if (Files.isRegularFile(cacheFile)) {
                Result cached = Json.MAPPER.readValue(cacheFile.toFile(), Result.class);
                if (hostBootId().equals(cached.bootId())) {
                    return java.util.Optional.of(cached);
                }
            }
        } catch (RuntimeException e) {
            // unreadable cache: treat as never probed
        }
        return java.util.Optional.empty();
    }

    /** The probe result of this kernel on this host boot, if one was recorded. */
    public java.util.Optional<Result> cached(String kernelVersion) {
        return cachedForThisBoot().filter(r -> kernelVersion.equals(r.kernelVersion()));
    }

    public Result probe(Path qemu, Path kernelImage, String kernelVersion) {
        String bootId = hostBootId();
        java.util.Optional<Result> known = cached(kernelVersion);
        if (known.isPresent()) {
            return known.get();
        }
        Result result = boot(qemu, kernelImage, kernelVersion, bootId);
        try {
            Files.createDirectories(cacheFile.getParent());
            Path tmp = cacheFile.resolveSibling(cacheFile.getFileName() + ".tmp");
            Json.writeFile(tmp, result);
            Files.move(tmp, cacheFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            // the probe result stands even if it cannot be cached
        }
        return result;
    }

    private static Result boot(Path qemu, Path kernelImage, String kernelVersion, String bootId) {
        long started = System.nanoTime();
        Path log = null;
        Process process = null;
        try {
            log = Files.createTempFile("pyro-kvm-probe", ".log");
            List<String> argv = new ArrayList<>(List.of(qemu.toString(),
                    "-M", "microvm,acpi=off,x-option-roms=off", "-accel", "kvm", "-cpu", "host",
                    "-m", "256", "-smp", "1", "-nodefaults", "-no-user-config", "-nographic", "-no-reboot",
                    "-serial", "file:" + log, "-kernel", kernelImage.toString(),
                    "-append", "console=ttyS0 panic=-1 reboot=t"));
            process = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            boolean exited = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            long millis = (System.nanoTime() - started) / 1_000_000;
            String serial = Files.readString(log, StandardCharsets.UTF_8);
            boolean reachedEnd = MARKERS.stream().anyMatch(serial::contains);
            if (reachedEnd) {
                return new Result(kernelVersion, bootId, BootProbe.PASSED.value(),
                        "guest kernel booted under KVM in " + millis + " ms", millis);
            }
            return new Result(kernelVersion, bootId, BootProbe.FAILED.value(), exited
                    ? "QEMU exited before the guest kernel finished booting (exit " + process.exitValue() + ")"
                    : "the guest kernel did not finish booting under KVM within " + TIMEOUT_SECONDS
                            + " s (a nested KVM that cannot run it); the vm backend uses TCG", millis);
        } catch (IOException e) {
            return new Result(kernelVersion, bootId, BootProbe.FAILED.value(), "cannot run QEMU: " + ErrorText.of(e), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(kernelVersion, bootId, BootProbe.FAILED.value(), "interrupted", 0);
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // temp file
                }
            }
        }
    }

    private static String hostBootId() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
