package dev.pyro.cli.workspace;

import dev.pyro.api.workspace.service.ServiceInfo;
import java.io.PrintWriter;

/** The one-line human form of a service. */
final class ServiceView {

    private ServiceView() {
    }

    static void print(PrintWriter out, ServiceInfo s) {
        out.println(String.format("%-16s %-8s pid=%s%s%s%s  %s", s.serviceName(), s.state(), s.pid(),
                s.exitCode() == null ? "" : " exit_code=" + s.exitCode(),
                s.stopReason() == null ? "" : " stop_reason=" + s.stopReason(), ports(s), s.command()));
    }

    /** {@code  ports=127.0.0.1:18080->8080,...}, or nothing. */
    private static String ports(ServiceInfo s) {
        if (s.publishedPorts() == null || s.publishedPorts().isEmpty()) {
            return "";
        }
        return " ports=" + String.join(",", s.publishedPorts().stream()
                .map(p -> p.host() + ":" + p.hostPort() + "->" + p.guestPort()).toList());
    }
}
