package dev.pyro.api.workspace.service;

/** A service's guest port as reachable from the host: always on 127.0.0.1, TCP. */
public record PublishedPort(String host, int hostPort, int guestPort, String protocol) {
}
