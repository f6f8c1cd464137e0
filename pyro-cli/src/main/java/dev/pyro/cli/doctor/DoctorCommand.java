package dev.pyro.cli.doctor;

import dev.pyro.api.Defaults;
import dev.pyro.cli.output.Fields;
import dev.pyro.cli.output.JsonOutput;
import dev.pyro.api.PyroException;
import dev.pyro.api.doctor.DoctorReport;
import dev.pyro.api.environment.EnvironmentInfo;
import dev.pyro.protocol.ErrorText;
import dev.pyro.sdk.Environments;
import dev.pyro.sdk.HostPackages;
import dev.pyro.sdk.Pyro;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.stream.Collectors;
import dev.pyro.cli.output.JsonFlag;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check this host: KVM (and whether a guest really boots with it), QEMU/TCG, gVisor, "
                + "the guest kernel, networking and environments; say which backend `auto` picks.",
                "Runtime: PASS means at least one isolating backend (vm or gvisor) works. "
                + "Each issue comes with its fix; --fix installs missing host packages."})
public final class DoctorCommand implements Runnable {

    @Option(names = "--environment", paramLabel = "ENV", description = "Environment to report on (default: ${DEFAULT-VALUE}).")
    String environment = Defaults.ENVIRONMENT;

    @Option(names = "--platform", paramLabel = "PLATFORM", description = "Platform key (default: ${DEFAULT-VALUE}; the only one).")
    String platform = "linux-x86_64";

    @Option(names = "--fix", description = "Install missing host packages (Debian; needs root or passwordless sudo), then check again.")
    boolean fix;

    @Mixin
    JsonFlag json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        Environments.requireKnown(environment);
        if (!platform.equals("linux-x86_64")) {
            throw PyroException.invalid("--platform must be linux-x86_64 (the only supported platform), not '" + platform + "'");
        }
        if (fix) {
            try {
                HostPackages.install(line -> System.err.println(line));
            } catch (IOException e) {
                throw PyroException.runtime("installing host packages failed: " + ErrorText.of(e), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw PyroException.runtime("interrupted", e);
            }
        }
        DoctorReport report = Pyro.create().doctor(environment);
        PrintWriter out = spec.commandLine().getOut();
        if (json.json) {
            JsonOutput.print(out, report);
            return;
        }
        EnvironmentInfo selected = report.environments().environments().stream()
                .filter(e -> e.name().equals(environment)).findFirst().orElseThrow();
        Fields fields = new Fields()
                .add("Platform", report.platform())
                .add("Privilege", report.privilege())
                .add("Runtime", report.runtimeOk() ? "PASS" : "FAIL")
                .add("Backend", "auto -> " + (report.autoBackend() == null ? "none" : report.autoBackend()));
        for (DoctorReport.BackendStatus backend : report.backends()) {
            fields.add("  " + backend.name(), (backend.available() ? "yes" : "no") + "  " + backend.detail());
        }
        DoctorReport.Kvm kvm = report.kvm();
        if (report.userNamespace().needed()) {
            fields.add("User namespace", Fields.yesNo(report.userNamespace().available()) + " ("
                    + report.userNamespace().detail() + ")");
        }
        fields.add("KVM", "exists=" + Fields.yesNo(kvm.exists()) + " readable=" + Fields.yesNo(kvm.readable())
                        + " writable=" + Fields.yesNo(kvm.writable()) + " boot=" + kvm.bootProbe())
                .add("  boot probe", kvm.bootProbeDetail())
                .add("QEMU", report.qemu().path() == null ? "not installed"
                        : report.qemu().version() + " (tcg=" + Fields.yesNo(report.qemu().tcg())
                        + " kvm=" + Fields.yesNo(report.qemu().kvmAccel()) + ")")
                .add("gVisor", report.gvisor().path() == null ? "not installed"
                        : "runsc " + (report.gvisor().release() == null ? report.gvisor().version()
                                : report.gvisor().release()) + (report.gvisor().tooOld() ? " TOO OLD" : "")
                        + " (" + report.gvisor().detail() + ")")
                .add("Kernel", report.kernel().version() + (report.kernel().installed() ? " (built)"
                        : " (" + report.kernel().reason() + ")"))
                .add("Networking", Fields.yesNo(report.networking().available()) + " (" + report.networking().detail() + ")")
                .add("Environment cache", report.environments().cacheDir())
                .add("Environments", report.environments().environments().stream()
                        .map(e -> e.name() + (e.installed() ? " (installed)" : ""))
                        .collect(Collectors.joining(", ")))
                .add("Environment", selected.name() + (selected.installed() ? " installed"
                        : " not installed (" + selected.reason() + "); run: pyro env pull " + selected.name()))
                .add("Daily loop", report.dailyLoop().status().toUpperCase(java.util.Locale.ROOT) + " ("
                        + report.dailyLoop().environment() + ")" + (report.dailyLoop().reason() == null ? ""
                        : ": " + report.dailyLoop().reason()));
        if (report.dailyLoop().fix() != null) {
            fields.add("Run", report.dailyLoop().fix());
        }
        fields.add("Template", report.dailyLoop().template().toUpperCase(java.util.Locale.ROOT)
                + (report.dailyLoop().templateDetail() == null ? "" : " (" + report.dailyLoop().templateDetail() + ")"));
        fields.print(out);
        if (!report.issues().isEmpty()) {
            out.println("Issues:");
            report.issues().forEach(issue -> out.println("  - " + issue));
        }
        out.flush();
    }
}
