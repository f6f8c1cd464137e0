package dev.pyro.api.workspace.service;

import dev.pyro.api.PyroException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A port to publish: the guest port, and the host port ({@code null}: any free one). */
public record PublishedPortRequest(int guestPort, Integer hostPort) {

    /** {@code GUEST} or {@code HOST:GUEST}, as the CLI's {@code --publish} takes it. */
    public static PublishedPortRequest parse(String text) {
        String[] parts = text.trim().split(":", -1);
        try {
            if (parts.length == 1) {
                return new PublishedPortRequest(Integer.parseInt(parts[0]), null);
            }
            if (parts.length == 2) {
                return new PublishedPortRequest(Integer.parseInt(parts[1]), Integer.parseInt(parts[0]));
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw PyroException.invalid("--publish must be GUEST_PORT or HOST_PORT:GUEST_PORT, e.g. 8080 or 18080:8080 "
                + "(got '" + text + "')");
    }

    /**
     * Checks the request items as they arrive from JSON ({@code {guest_port, host_port?}} objects)
     * or from Java, with the spec's messages.
     */
    public static List<PublishedPortRequest> validate(List<?> items) {
        if (items == null || items.isEmpty()) {
            return List.of();
        }
        List<PublishedPortRequest> requests = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            PublishedPortRequest request;
            if (item instanceof PublishedPortRequest r) {
                request = r;
            } else if (item instanceof Map<?, ?> map) {
                request = new PublishedPortRequest(guestPort(map.get("guest_port")), hostPort(map.get("host_port")));
            } else {
                throw PyroException.invalid("published port #" + (i + 1) + " must be a dictionary");
            }
            if (request.guestPort() < 1 || request.guestPort() > 65535) {
                throw PyroException.invalid("published guest_port must be between 1 and 65535");
            }
            if (request.hostPort() != null && (request.hostPort() < 1025 || request.hostPort() > 65535)) {
                throw PyroException.invalid("published host_port must be between 1025 and 65535");
            }
            if (!seen.add(request.hostPort() + ":" + request.guestPort())) {
                throw PyroException.invalid("published ports must not repeat the same host/guest port mapping");
            }
            requests.add(request);
        }
        return List.copyOf(requests);
    }

    private static int guestPort(Object value) {
        if (!(value instanceof Integer || value instanceof Long || value instanceof Short)) {
            throw PyroException.invalid("published guest_port must be an integer");
        }
        long port = ((Number) value).longValue();
        return port < 0 || port > 65535 ? -1 : (int) port;
    }

    private static Integer hostPort(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Integer || value instanceof Long || value instanceof Short)) {
            throw PyroException.invalid("published host_port must be an integer");
        }
        long port = ((Number) value).longValue();
        return port < 0 || port > 65535 ? -1 : (int) port;
    }
}
