package dev.pyro.cli.mcp;

import dev.pyro.api.PyroException;
import dev.pyro.sdk.Pyro;
import dev.pyro.sdk.StateDirs;
import dev.pyro.mcp.McpServerOptions;
import dev.pyro.mcp.McpSurface;
import dev.pyro.mcp.PyroMcpServer;
import dev.pyro.mcp.transport.HttpEndpoint;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Expose pyro tools over stdio for an MCP client. Bare `pyro mcp serve` starts "
                + "workspace-core, the recommended first profile for most chat hosts.",
                "Inside a Git checkout, workspace_create without seed_path seeds /workspace from the checkout's "
                        + "Git-tracked files. stdout carries only the protocol; logs go to stderr."},
        footerHeading = "%n",
        footer = {"Profiles:",
                "  workspace-core   default for normal persistent chat editing (17)",
                "  vm-run           smallest one-shot-only surface (vm_run)",
                "  workspace-full   opt-in: shells, services, snapshots, secrets, network, disk (44)",
                "Modes (instead of a profile):",
                "  repro-fix        reproduce, patch, rerun, diff, export, reset (16)",
                "  inspect          read and probe unfamiliar code, offline (11)",
                "  cold-start       validate a fresh repo, prove its services get ready (17)",
                "  review-eval      shells, snapshots, diff and export for review (21)",
                "",
                "Examples:",
                "  claude mcp add pyro -- pyro mcp serve --mode cold-start",
                "  codex mcp add pyro -- pyro mcp serve --mode repro-fix",
                "  pyro mcp serve --profile workspace-full --environment debian:12-build",
                "  pyro mcp serve --repo-url /srv/git/app.git --repo-ref v1.2",
                "  pyro mcp serve --http 127.0.0.1:8765     # writes a bearer token to a file only you can read",
                "  pyro mcp serve --http 8765 --http-token-file ~/.config/pyro/mcp-token",
                "",
                "Host paths: seed_path, source_path, secret file_path and output_path given by the MCP client must",
                "lie in the project checkout or a directory named with --allow-host-path (there is no other",
                "export directory by default). allow_host_compat=true needs --allow-host-compat."})
public final class McpServeCommand implements Callable<Integer> {

    @Option(names = "--mode", paramLabel = "MODE",
            description = "repro-fix, inspect, cold-start or review-eval. Not with a non-default --profile.")
    String mode;

    @Option(names = "--profile", paramLabel = "PROFILE",
            description = "vm-run, workspace-core (default) or workspace-full.")
    String profile;

    @Option(names = "--environment", paramLabel = "ENV",
            description = "Default environment for workspace_create and vm_run, e.g. debian:12-build.")
    String environment;

    @Option(names = "--project-path", paramLabel = "PATH",
            description = "Seed workspaces from this checkout (its Git root and tracked files) instead of the "
                    + "current directory's.")
    String projectPath;

    @Option(names = "--repo-url", paramLabel = "URL",
            description = "Seed workspaces from a clean clone of this repository (a URL or a local path).")
    String repoUrl;

    @Option(names = "--repo-ref", paramLabel = "REF", description = "Branch, tag or commit to check out; needs --repo-url.")
    String repoRef;

    @Option(names = "--no-project-source", description = "No default seed: workspace_create seeds only from seed_path.")
    boolean noProjectSource;

    @Option(names = "--http", paramLabel = "[HOST:]PORT",
            description = "Serve Streamable HTTP at http://HOST:PORT/mcp instead of stdio (HOST defaults to "
                    + "127.0.0.1; PORT 0 picks a free one). Every request needs the bearer token.")
    String http;

    @Option(names = "--http-token-file", paramLabel = "PATH",
            description = "File holding the bearer token for --http; it must be yours and readable by you alone "
                    + "(chmod 600). Or set PYRO_MCP_TOKEN. Without either a random token is written to "
                    + "STATE_DIR/mcp-http/PORT.token (mode 600) and its path printed on stderr.")
    Path httpTokenFile;

    /** Refused: a token in argv is readable by every local user. Kept as an option only to say so. */
    @Option(names = "--http-token", paramLabel = "TOKEN", hidden = true)
    String httpToken;

    @Option(names = "--allow-host-path", paramLabel = "DIR",
            description = "Let the MCP client read from and export to this host directory (repeatable). By default "
                    + "host paths in tool arguments must lie in the project checkout; nothing else is allowed.")
    java.util.List<Path> allowHostPaths = new java.util.ArrayList<>();

    @Option(names = "--allow-host-compat",
            description = "Let the MCP client pass allow_host_compat=true (run on the host without isolation when "
                    + "no sandbox works). Without it that argument is refused.")
    boolean allowHostCompat;

    @Override
    public Integer call() throws Exception {
        // The protocol owns stdout: anything else that prints goes to stderr.
        PrintStream protocolOut = new PrintStream(new FileOutputStream(FileDescriptor.out), false);
        System.setOut(System.err);
        if (httpToken != null) {
            throw HttpToken.refusedOnCommandLine();
        }
        if (http == null && httpTokenFile != null) {
            throw PyroException.invalid("--http-token-file needs --http");
        }
        McpSurface surface = McpSurface.of(profile, mode);
        McpServerOptions options = new McpServerOptions(surface, environment, projectPath, repoUrl, repoRef,
                noProjectSource, Path.of("").toAbsolutePath(), allowHostPaths, allowHostCompat);
        try (Pyro pyro = Pyro.create()) {
            PyroMcpServer server = pyro.createServer(options);
            System.err.println("[mcp] surface=" + surface.id() + " tools=" + server.tools().size()
                    + " project_source=" + (server.projectSource() == null ? "none"
                    : server.projectSource().describe()));
            System.err.println("[mcp] host paths the client may use: " + server.hostPaths().describe()
                    + (allowHostCompat ? "; allow_host_compat permitted" : ""));
            if (http != null) {
                return serveHttp(server);
            }
            server.serveStdio(new FileInputStream(FileDescriptor.in), protocolOut);
            return 0;
        }
    }

    private int serveHttp(PyroMcpServer server) throws Exception {
        String host = "127.0.0.1";
        String portText = http.trim();
        int colon = portText.lastIndexOf(':');
        if (colon >= 0) {
            host = portText.substring(0, colon).replace("[", "").replace("]", "");
            portText = portText.substring(colon + 1);
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw PyroException.invalid("--http must be [HOST:]PORT, e.g. 127.0.0.1:8765 (got '" + http + "')");
        }
        if (port < 0 || port > 65535) {
            throw PyroException.invalid("--http port must be between 0 and 65535");
        }
        HttpToken token = HttpToken.resolve(httpTokenFile == null ? null : httpTokenFile.toAbsolutePath(),
                System.getenv(HttpToken.ENV));
        HttpEndpoint endpoint = server.serveHttp(host, port, token.value());
        Path generated = null;
        if (token.generated()) {
            // The token never goes to stderr: hosts keep that in logs other users may read.
            generated = StateDirs.stateDir().resolve("mcp-http")
                    .resolve(endpoint.uri().getPort() + ".token");
            try {
                HttpToken.writePrivate(generated, token.value());
            } catch (RuntimeException e) {
                endpoint.close();
                throw e;
            }
            System.err.println("[mcp] token file " + generated + " (mode 600, removed when the server stops)");
        }
        System.err.println("[mcp] listening on " + endpoint.uri());
        System.err.println("[mcp] clients must send: Authorization: Bearer <token>");
        System.err.flush();
        CountDownLatch stop = new CountDownLatch(1);
        Path tokenFile = generated;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            endpoint.close();
            if (tokenFile != null) {
                try {
                    java.nio.file.Files.deleteIfExists(tokenFile);
                } catch (java.io.IOException ignored) {
                    // a stale token of a stopped server opens nothing
                }
            }
            stop.countDown();
        }));
        stop.await();
        return 0;
    }
}
