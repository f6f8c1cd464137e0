package dev.pyro.api.workspace.service;


/** When a service counts as ready (spec §7.5): a file appears, a TCP port answers, HTTP 2xx/3xx, or a command succeeds. */
public record Readiness(String type, String path, String address, String url, String command) {

    public static Readiness file(String path) {
        return new Readiness("file", path, null, null, null);
    }

    public static Readiness tcp(String address) {
        return new Readiness("tcp", null, address, null, null);
    }

    public static Readiness http(String url) {
        return new Readiness("http", null, null, url, null);
    }

    public static Readiness command(String command) {
        return new Readiness("command", null, null, null, command);
    }

}
