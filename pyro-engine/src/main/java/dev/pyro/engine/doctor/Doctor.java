package dev.pyro.engine.doctor;

import dev.pyro.api.Defaults;
import dev.pyro.api.doctor.DoctorReport;
import dev.pyro.api.state.BackendName;
import dev.pyro.api.state.ExecutionMode;
import dev.pyro.engine.prepare.DailyLoop;
import dev.pyro.api.PyroPaths;
import dev.pyro.engine.environment.EnvironmentStore;
import dev.pyro.engine.host.HostPrivilege;
import dev.pyro.engine.host.HostSetup;
import dev.pyro.engine.host.HostTools;
import dev.pyro.engine.host.UserNamespace;
import dev.pyro.engine.network.GuestNetworks;
import dev.pyro.engine.process.HostCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Checks this host for everything Pyro needs and says which backend {@code auto} would pick. */
public final class Doctor {

    private static final String FIX_PACKAGES = "run: pyro doctor --fix";

    private final PyroPaths paths;
    private final EnvironmentStore store;
    private final KernelCheck kernelCheck;

    /** How the doctor learns about the guest kernel and probes KVM with it. */
    public interface KernelCheck {
        DoctorReport.Kernel kernel();

        /** Boots the kernel under KVM once (cached); {@code not_run} when no kernel is built. */
        DoctorReport.Kvm probeKvm(boolean exists, boolean readable, boolean writable);
    }

    public Doctor(PyroPaths paths, KernelCheck kernelCheck) {
        this.paths = paths;
        this.store = new EnvironmentStore(paths);
        this.kernelCheck = kernelCheck;
    }

    public DoctorReport run() {
        return run(Defaults.ENVIRONMENT);
    }

    /** The host report plus the daily-loop readiness of {@code environment}. */
    public DoctorReport run(String environment) {
        List<String> issues = new ArrayList<>();
        List<String> missing = HostSetup.missingPackages();
        if (!missing.isEmpty()) {
            issues.add("host packages missing: " + String.join(" ", missing) + "; " + FIX_PACKAGES);
        }

        Path kvmDevice = Path.of("/dev/kvm");
        boolean kvmExists = Files.exists(kvmDevice);
        boolean kvmReadable = kvmExists && Files.isReadable(kvmDevice);
        boolean kvmWritable = kvmExists && Files.isWritable(kvmDevice);
        DoctorReport.Qemu qemu = qemu();
        DoctorReport.Kvm kvm = kvmExists && kvmReadable && kvmWritable && qemu.kvmAccel()
                ? kernelCheck.probeKvm(true, true, true)
                : new DoctorReport.Kvm(kvmExists, kvmReadable, kvmWritable, BootProbe.NOT_RUN.value(),
                        !kvmExists ? "/dev/kvm is not available on this host"
                                : !(kvmReadable && kvmWritable) ? KVM_GROUP_FIX.formatted(System.getProperty("user.name"))
                                : "QEMU has no KVM accelerator");
        if (kvmExists && !(kvmReadable && kvmWritable)) {
            issues.add(kvm.bootProbeDetail() + " (meanwhile the vm backend runs under TCG, in software)");
        }
        HostPrivilege privilege = HostPrivilege.current();
        Optional<String> namespaceProblem = UserNamespace.problem();
        DoctorReport.UserNamespaceStatus userNamespace = new DoctorReport.UserNamespaceStatus(
                privilege == HostPrivilege.USER, namespaceProblem.isEmpty(), privilege != HostPrivilege.USER
                        ? "not needed (" + (privilege.hostRoot() ? "root" : "inside one already") + ")"
                        : namespaceProblem.orElse("unshare --map-root-user --map-auto works with your subordinate ids"));
        if (namespaceProblem.isPresent()) {
            // The engine daemon and environment builds run in it, so no backend works without it.
            issues.add(namespaceProblem.get() + " (an ordinary user's engine and environment builds need it)");
        }
        DoctorReport.Gvisor gvisor = gvisor(namespaceProblem.isPresent());
        DoctorReport.Kernel kernel = kernelCheck.kernel();
        if (!kernel.installed() && kernel.version() == null) {
            issues.add("the vm backend cannot build its guest kernel: " + kernel.reason());
        }
        DoctorReport.Networking networking = networking(qemu);

        boolean kvmBoots = BootProbe.PASSED.is(kvm.bootProbe());
        boolean vmAvailable = qemu.path() != null && (kvmBoots || qemu.tcg()) && namespaceProblem.isEmpty();
        String vmMode = kvmBoots ? "guest_vm (kvm)" : "guest_vm (tcg)";
        List<DoctorReport.BackendStatus> backends = List.of(
                new DoctorReport.BackendStatus(BackendName.VM.value(), vmAvailable, ExecutionMode.GUEST_VM.value(),
                        qemu.path() == null ? "qemu-system-x86_64 is not installed (package qemu-system-x86); " + FIX_PACKAGES
                                : namespaceProblem.isPresent() ? NEEDS_NAMESPACE
                                : vmMode + (privilege.hostRoot() ? "" : ", rootless")
                                + (kernel.installed() ? "" : "; guest kernel is built on first use (~8 min)")),
                new DoctorReport.BackendStatus(BackendName.GVISOR.value(), gvisor.sandboxProbe(),
                        ExecutionMode.GUEST_GVISOR.value(), gvisor.detail()
                        + (gvisor.sandboxProbe() && !privilege.hostRoot() ? "; " + GVISOR_ROOTLESS_LIMITS : "")),
                new DoctorReport.BackendStatus(BackendName.HOST.value(), true, ExecutionMode.HOST_COMPAT.value(),
                        "no isolation; only with --allow-host-compat"));
        BackendName auto = kvmBoots && vmAvailable ? BackendName.VM
                : gvisor.sandboxProbe() ? BackendName.GVISOR
                : vmAvailable ? BackendName.VM
                : null;
        if (qemu.path() == null) {
            issues.add("qemu-system-x86_64 is missing (package qemu-system-x86); " + FIX_PACKAGES);
        }
        if (gvisor.path() == null) {
            issues.add("runsc is missing (package runsc); " + FIX_PACKAGES);
        } else if (!gvisor.sandboxProbe() && namespaceProblem.isEmpty()) {
            issues.add("gVisor cannot start a sandbox: " + gvisor.detail());
        } else if (gvisor.tooOld()) {
            issues.add(new RunscVersion(gvisor.release(), 0).tooOldMessage());
        }
        if (auto == null && namespaceProblem.isEmpty()) { // else its line names the fix
            issues.add("no isolating backend works on this host; " + FIX_PACKAGES);
        }
        List<dev.pyro.api.environment.EnvironmentInfo> environments = store.list();
        String autoName = auto == null ? null : auto.value();
        return new DoctorReport(PyroPaths.PLATFORM, privilege.label(), userNamespace, auto != null, autoName, backends, kvm, qemu, gvisor, kernel,
                networking, new DoctorReport.Environments(paths.environmentCacheDir().toString(), environments),
                missing, List.copyOf(issues), DailyLoop.evaluate(paths, environment));
    }

    private static DoctorReport.Qemu qemu() {
        Optional<Path> qemu = HostTools.which("qemu-system-x86_64");
        if (qemu.isEmpty()) {
            return new DoctorReport.Qemu(null, null, false, false);
        }
        String version = HostTools.firstLine(List.of(qemu.get().toString(), "--version")).orElse(null);
        String accels = String.join(" ", output(List.of(qemu.get().toString(), "-accel", "help")));
        return new DoctorReport.Qemu(qemu.get().toString(), version, accels.contains("tcg"), accels.contains("kvm"));
    }

    private static final String NEEDS_NAMESPACE = "needs a user namespace (see below)";
    static final String KVM_GROUP_FIX = "/dev/kvm is not readable and writable by this user; "
            + "run: sudo usermod -aG kvm %s, then log in again";
    static final String GVISOR_ROOTLESS_LIMITS = "pids bounded inside gVisor, memory by the engine's watch "
            + "(a sandbox over its memory is ended), CPU unbounded (host cgroups are root's; --backend vm bounds it)";

    /** Without the user namespace an ordinary user needs, runsc is not probed: it could not run as the engine runs it. */
    private static DoctorReport.Gvisor gvisor(boolean namespaceMissing) {
        Optional<Path> runsc = HostTools.which("runsc");
        if (runsc.isEmpty()) {
            return new DoctorReport.Gvisor(null, null, null, false, false,
                    namespaceMissing ? NEEDS_NAMESPACE : "runsc is not installed (package runsc)");
        }
        return gvisor(runsc.get(), namespaceMissing);
    }

    /** The version and sandbox probe of the runsc at {@code runsc} (tests give a stand-in). */
    static DoctorReport.Gvisor gvisor(Path runsc) {
        return gvisor(runsc, false);
    }

    private static DoctorReport.Gvisor gvisor(Path runsc, boolean namespaceMissing) {
        String version = HostTools.firstLine(List.of(runsc.toString(), "--version")).orElse(null);
        Optional<RunscVersion> release = RunscVersion.parse(version);
        boolean tooOld = release.map(RunscVersion::tooOldForStat).orElse(false);
        String path = runsc.toString();
        String releaseText = release.map(RunscVersion::version).orElse(null);
        if (namespaceMissing) {
            return new DoctorReport.Gvisor(path, version, releaseText, tooOld, false, NEEDS_NAMESPACE);
        }
        // A too-old runsc still starts sandboxes: say so beside the probe, so the backend line shows it too.
        String age = tooOld ? "; runsc too old: ls -l and stat fail in guests" : "";
        // A real throwaway sandbox: proves the ptrace platform works here, not just that runsc exists.
        // An ordinary user's: the way its engine runs runsc, as root of the user's namespace without
        // host cgroups (runsc alone fails there: mkdir /sys/fs/cgroup/devices/runsc-...: permission denied).
        List<String> probe = new ArrayList<>(List.of(path, "--platform=ptrace", "--network=none"));
        if (!HostPrivilege.current().hostRoot()) {
            probe.add("--ignore-cgroups");
        }
        probe.addAll(List.of("do", "true"));
        String mode = HostPrivilege.current().hostRoot() ? "" : ", rootless";
        try {
            HostCommand.Result result = HostCommand.of(UserNamespace.command(probe)).runAllowingFailure();
            return result.exitCode() == 0
                    ? new DoctorReport.Gvisor(path, version, releaseText, tooOld, true,
                            "sandbox probe passed (ptrace platform" + mode + ")" + age)
                    : new DoctorReport.Gvisor(path, version, releaseText, tooOld, false,
                            "sandbox probe failed (exit " + result.exitCode() + "): " + String.join(" ", result.tail()) + age);
        } catch (IOException e) {
            return new DoctorReport.Gvisor(path, version, releaseText, tooOld, false,
                    "sandbox probe failed: " + e.getMessage() + age);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DoctorReport.Gvisor(path, version, releaseText, tooOld, false, "interrupted");
        }
    }

    /**
     * What guest networking (network policies, --network) needs: as root, /dev/net/tun, ip, nft,
     * socat; rootless, passt and a QEMU with {@code -netdev stream} ({@link GuestNetworks#problem()}).
     */
    private static DoctorReport.Networking networking(DoctorReport.Qemu qemu) {
        boolean tun = Files.exists(Path.of("/dev/net/tun"));
        boolean ipForward;
        try {
            ipForward = Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).trim().equals("1");
        } catch (IOException e) {
            ipForward = false;
        }
        if (GuestNetworks.userMode()) {
            Optional<String> problem = GuestNetworks.problem();
            return new DoctorReport.Networking(problem.isEmpty(), tun, ipForward, problem.orElse(GuestNetworks.describe()));
        }
        List<String> lacking = new ArrayList<>();
        if (qemu.path() == null) {
            lacking.add("qemu-system-x86");
        }
        if (!HostTools.isRoot()) {
            lacking.add("root (TAP devices and nftables rules)");
        }
        if (!tun) {
            lacking.add("/dev/net/tun");
        }
        for (String[] tool : new String[][] {{"ip", "iproute2"}, {"nft", "nftables"}, {"socat", "socat"}}) {
            if (HostTools.which(tool[0]).isEmpty()) {
                lacking.add(tool[0] + " (package " + tool[1] + ")");
            }
        }
        return new DoctorReport.Networking(lacking.isEmpty(), tun, ipForward, lacking.isEmpty()
                ? "TAP + NAT per guest, the host firewalled off; ip_forward is switched on at first use"
                : "needs " + String.join(", ", lacking));
    }

    private static List<String> output(List<String> argv) {
        try {
            return HostCommand.of(argv).runAllowingFailure().lines();
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }
}
