package dev.pyro.mcp.transport;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Set;

/**
 * Who may talk to the HTTP endpoint: requests must carry the bearer token, name one of the
 * endpoint's own host names in {@code Host} (against DNS rebinding), and come from no web page of
 * another origin ({@code Origin}, when a browser sends one).
 */
record HttpAccess(String token, Set<String> allowedHosts) {

    enum Verdict { OK, BAD_HOST, BAD_ORIGIN, NO_TOKEN }

    /** The host names this endpoint answers to, with its port: loopback names plus the bind address. */
    static Set<String> hostsFor(String bindHost, int port) {
        Set<String> hosts = new java.util.HashSet<>(Set.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port));
        hosts.add(bracketed(bindHost).toLowerCase(Locale.ROOT) + ":" + port);
        return Set.copyOf(hosts);
    }

    Verdict check(String host, String origin, String authorization) {
        if (host == null || !allowedHosts.contains(host.toLowerCase(Locale.ROOT))) {
            return Verdict.BAD_HOST;
        }
        // "null" (sandboxed iframes, file: pages, some redirects) is a foreign origin like any other
        if (origin != null && !originAllowed(origin)) {
            return Verdict.BAD_ORIGIN;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Verdict.NO_TOKEN;
        }
        byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8)) ? Verdict.OK : Verdict.NO_TOKEN;
    }

    private boolean originAllowed(String origin) {
        try {
            URI uri = URI.create(origin);
            if (uri.getHost() == null || uri.getPort() < 0) {
                return false;
            }
            return allowedHosts.contains(bracketed(uri.getHost()).toLowerCase(Locale.ROOT) + ":" + uri.getPort());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String bracketed(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
