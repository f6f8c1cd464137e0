package dev.pyro.engine.workspace.service;

import dev.pyro.api.PyroException;
import dev.pyro.api.workspace.service.Readiness;
import dev.pyro.engine.workspace.WorkspaceSecrets;
import dev.pyro.engine.workspace.files.WorkspacePath;
import java.util.Locale;

/** The engine side of a {@link Readiness}: its validation, its redaction, and the guest command that probes it. */
final class ReadinessProbes {

    private ReadinessProbes() {
    }

    /** Validated and normalized, with the spec's messages; null stays null (ready at once). */
    static Readiness normalize(Readiness r) {
        if (r == null) {
            return null;
        }
        String type = r.type() == null ? "" : r.type().trim().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "file" -> {
                if (r.path() == null || r.path().isBlank()) {
                    throw PyroException.invalid("readiness.path is required for file readiness");
                }
                yield Readiness.file(WorkspacePath.normalize(r.path(), "readiness.path").value());
            }
            case "tcp" -> {
                String address = r.address() == null ? "" : r.address().trim();
                int colon = address.lastIndexOf(':');
                if (colon < 0) {
                    throw PyroException.invalid("readiness.address must be in HOST:PORT format");
                }
                String host = address.substring(0, colon);
                if (host.isEmpty()) {
                    throw PyroException.invalid("readiness.address host must not be empty");
                }
                int port;
                try {
                    port = Integer.parseInt(address.substring(colon + 1));
                } catch (NumberFormatException e) {
                    throw PyroException.invalid("readiness.address port must be an integer");
                }
                if (port < 1 || port > 65535) {
                    throw PyroException.invalid("readiness.address port must be between 1 and 65535");
                }
                yield Readiness.tcp(host + ":" + port);
            }
            case "http" -> {
                if (r.url() == null || r.url().isBlank()) {
                    throw PyroException.invalid("readiness.url is required for http readiness");
                }
                yield Readiness.http(r.url().trim());
            }
            case "command" -> {
                if (r.command() == null || r.command().isBlank()) {
                    throw PyroException.invalid("readiness.command is required for command readiness");
                }
                yield Readiness.command(r.command().trim());
            }
            default -> throw PyroException.invalid("readiness.type must be one of: file, tcp, http, command");
        };
    }

    /** Every field with secret values replaced (a token may sit in a URL or a probe command). */
    static Readiness redacted(Readiness r, java.util.List<String> secrets) {
        return new Readiness(r.type(), WorkspaceSecrets.redact(r.path(), secrets), WorkspaceSecrets.redact(r.address(), secrets),
                WorkspaceSecrets.redact(r.url(), secrets), WorkspaceSecrets.redact(r.command(), secrets));
    }

    /** The probe as a guest shell command (bash's /dev/tcp: no extra tools needed in the guest). */
    static String probeCommand(Readiness r) {
        return switch (r.type()) {
            case "file" -> "test -e " + quote(r.path());
            case "tcp" -> {
                int colon = r.address().lastIndexOf(':');
                yield "timeout 1 bash -c " + quote("exec 3<>/dev/tcp/" + r.address().substring(0, colon) + "/"
                        + r.address().substring(colon + 1));
            }
            case "http" -> httpProbe(r.url());
            default -> r.command();
        };
    }

    private static String httpProbe(String url) {
        java.net.URI uri = java.net.URI.create(url);
        String host = uri.getHost() == null ? "127.0.0.1" : uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        String script = "exec 3<>/dev/tcp/" + host + "/" + port + " && printf 'GET " + target
                + " HTTP/1.0\\r\\nHost: " + host + "\\r\\n\\r\\n' >&3 && read -r _ code _ <&3 && "
                + "[ \"$code\" -ge 200 ] && [ \"$code\" -lt 400 ]";
        return "timeout 2 bash -c " + quote(script);
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\"'\"'") + "'";
    }
}
