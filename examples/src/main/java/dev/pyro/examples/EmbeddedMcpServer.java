package dev.pyro.examples;

import dev.pyro.sdk.Pyro;
import dev.pyro.mcp.McpServerOptions;
import dev.pyro.mcp.McpSurface;
import dev.pyro.mcp.PyroMcpServer;

/**
 * Pyro's MCP server inside your own Java program, on stdio: what {@code pyro mcp serve --mode
 * repro-fix} does, for an app that wants to choose the surface and environment in code.
 */
public final class EmbeddedMcpServer {

    private EmbeddedMcpServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        try (Pyro pyro = Pyro.create()) {
            server(pyro).serveStdio(System.in, System.out);
        }
    }

    /** The repro-fix surface, debian:12 by default, seeded from the Git checkout of the working directory. */
    public static PyroMcpServer server(Pyro pyro) {
        return pyro.createServer(McpServerOptions.of(McpSurface.REPRO_FIX).withEnvironment("debian:12"));
    }
}
