package dev.pyro.sdk;

/**
 * What {@link Pyro#createServer} builds: a server over a {@link Pyro} that lives in another module.
 * pyro-mcp's {@code McpSurface} and {@code McpServerOptions} are specs of its {@code PyroMcpServer};
 * the SDK calls the spec back, so it depends on no server module and the build has no cycle.
 *
 * @param <S> the server type
 */
@FunctionalInterface
public interface ServerSpec<S> {

    /** Validates the spec and builds the server over {@code pyro}; serves nothing yet. */
    S createServer(Pyro pyro);
}
