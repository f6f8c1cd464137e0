package dev.pyro.api.doctor;

import dev.pyro.api.environment.EnvironmentInfo;
import dev.pyro.api.environment.DailyLoopReport;
import java.util.List;

/**
 * What {@code pyro doctor} found. {@code privilege} is {@code root} or {@code rootless} (an ordinary
 * user, whose engine runs in a user namespace). {@code runtime_ok} is true when at least one isolating backend
 * ({@code vm} or {@code gvisor}) can run sandboxes; each entry of {@code issues} says what is wrong
 * and how to fix it.
 */
public record DoctorReport(
        String platform,
        String privilege,
        UserNamespaceStatus userNamespace,
        boolean runtimeOk,
        String autoBackend,
        List<BackendStatus> backends,
        Kvm kvm,
        Qemu qemu,
        Gvisor gvisor,
        Kernel kernel,
        Networking networking,
        Environments environments,
        List<String> missingHostPackages,
        List<String> issues,
        DailyLoopReport dailyLoop) {

    /** One backend: whether it can run here, in which mode, and if not, why. */
    public record BackendStatus(String name, boolean available, String executionMode, String detail) {
    }

    /** {@code boot_probe}: {@code passed}, {@code failed} or {@code not_run}, with the reason. */
    public record Kvm(boolean exists, boolean readable, boolean writable, String bootProbe, String bootProbeDetail) {
    }

    public record Qemu(String path, String version, boolean tcg, boolean kvmAccel) {
    }

    /**
     * {@code version}: the first line of {@code runsc --version}; {@code release}: the version it
     * names; {@code too_old}: that release breaks {@code statx} in guests (see {@code RunscVersion}).
     */
    public record Gvisor(String path, String version, String release, boolean tooOld, boolean sandboxProbe,
            String detail) {
    }

    /**
     * The user namespace an ordinary user's Pyro works in ({@code unshare --map-root-user
     * --map-auto}); {@code needed} is false for root, {@code detail} names what is missing and the fix.
     */
    public record UserNamespaceStatus(boolean needed, boolean available, String detail) {
    }

    public record Kernel(String version, boolean installed, String path, String reason) {
    }

    /** Root: TAP + NAT per guest. Rootless: user-mode networking through passt. */
    public record Networking(boolean available, boolean tun, boolean ipForward, String detail) {
    }

    public record Environments(String cacheDir, List<EnvironmentInfo> environments) {
    }
}
