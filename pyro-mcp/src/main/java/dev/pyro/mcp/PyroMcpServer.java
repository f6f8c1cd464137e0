package dev.pyro.mcp;

import dev.pyro.sdk.Environments;
import dev.pyro.sdk.Pyro;
import dev.pyro.mcp.project.ProjectSource;
import dev.pyro.mcp.project.ProjectSourceResolver;
import dev.pyro.mcp.tools.ToolCatalog;
import dev.pyro.mcp.tools.ToolContext;
import dev.pyro.mcp.tools.ToolDef;
import dev.pyro.mcp.tools.ToolOutcome;
import dev.pyro.mcp.transport.HttpEndpoint;
import dev.pyro.mcp.transport.StdioGuard;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pyro's MCP server: the tools of one surface (profile or mode) over the SDK's workspaces, served
 * on stdio or Streamable HTTP with the official MCP Java SDK. Build it with
 * {@link Pyro#createServer} from {@link McpServerOptions} or an {@link McpSurface}.
 */
public final class PyroMcpServer {

    /** How long replies in flight may take to finish after stdin closed. */
    static final Duration DRAIN_LIMIT = Duration.ofMinutes(10);

    private final McpSurface surface;
    private final ProjectSource projectSource;
    private final String environment;
    private final List<ToolDef> tools;
    private final HostPathPolicy hostPaths;
    private final McpJsonMapper mapper = new JacksonMcpJsonMapper(JsonMapper.builder().build());

    private PyroMcpServer(McpSurface surface, ProjectSource projectSource, String environment, List<ToolDef> tools,
                          HostPathPolicy hostPaths) {
        this.hostPaths = hostPaths;
        this.surface = surface;
        this.projectSource = projectSource;
        this.environment = environment;
        this.tools = tools;
    }

    /** Validates the options (the spec's messages) and builds the tool set; serves nothing yet. */
    public static PyroMcpServer create(Pyro pyro, McpServerOptions options) {
        McpSurface surface = options.surface() == null ? McpSurface.DEFAULT : options.surface();
        String environment = options.environment() == null ? null : options.environment().trim();
        if (environment != null) {
            Environments.requireKnown(environment); // the catalog matches names exactly
        }
        ProjectSource source = ProjectSourceResolver.resolve(options.projectPath(), options.repoUrl(),
                options.repoRef(), options.noProjectSource(), options.cwd());
        Path cwd = options.cwd() == null ? Path.of("").toAbsolutePath() : options.cwd();
        HostPathPolicy hostPaths = HostPathPolicy.of(source == null ? null : source.path(),
                options.allowedHostPaths(), cwd);
        List<ToolDef> tools = ToolCatalog.forSurface(new ToolContext(pyro, surface, environment, source, hostPaths,
                options.allowHostCompat()));
        return new PyroMcpServer(surface, source, environment, tools, hostPaths);
    }

    /** The host directories the client's path arguments may name. */
    public HostPathPolicy hostPaths() {
        return hostPaths;
    }

    public McpSurface surface() {
        return surface;
    }

    /** The project source {@code workspace_create} seeds from when no seed_path is given; null: none. */
    public ProjectSource projectSource() {
        return projectSource;
    }

    public List<ToolDef> tools() {
        return tools;
    }

    /** Calls a tool directly, as an MCP client would (for embedding and tests). */
    public ToolOutcome call(String tool, Map<String, Object> arguments) {
        ToolDef def = tools.stream().filter(t -> t.name().equals(tool)).findFirst().orElseThrow(
                () -> dev.pyro.api.PyroException.invalid("no tool '" + tool + "' in the " + surface.id()
                        + " surface"));
        return ToolOutcome.run(def, arguments, surface.id());
    }

    /**
     * Serves MCP on these streams until {@code in} ends and every reply in flight is written.
     * {@code out} carries only protocol lines.
     */
    public void serveStdio(InputStream in, OutputStream out) throws InterruptedException {
        StdioGuard guard = new StdioGuard(in, out, mapper, DRAIN_LIMIT);
        StdioServerTransportProvider transport = new StdioServerTransportProvider(mapper, guard.transportInput(),
                guard.transportOutput());
        McpSyncServer server = McpServer.sync(transport)
                .serverInfo("pyro", version())
                .instructions(instructions())
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .jsonMapper(mapper)
                .tools(tools.stream().map(this::sessionTool).toList())
                .build();
        guard.start();
        try {
            guard.awaitEnd();
        } finally {
            server.closeGracefully();
        }
    }

    /** Starts Streamable HTTP on {@code host:port} (0: a free port); close the endpoint to stop. */
    public HttpEndpoint serveHttp(String host, int port, String token) throws IOException {
        HttpEndpoint endpoint = new HttpEndpoint(mapper, host, port, token);
        McpStatelessSyncServer server = McpServer.sync(endpoint)
                .serverInfo("pyro", version())
                .instructions(instructions())
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .jsonMapper(mapper)
                .tools(tools.stream().map(this::statelessTool).toList())
                .build();
        endpoint.start();
        return endpoint;
    }

    private McpServerFeatures.SyncToolSpecification sessionTool(ToolDef def) {
        return new McpServerFeatures.SyncToolSpecification(schemaOf(def),
                (exchange, request) -> result(ToolOutcome.run(def, request.arguments(), surface.id())));
    }

    private McpStatelessServerFeatures.SyncToolSpecification statelessTool(ToolDef def) {
        return new McpStatelessServerFeatures.SyncToolSpecification(schemaOf(def),
                (context, request) -> result(ToolOutcome.run(def, request.arguments(), surface.id())));
    }

    private static McpSchema.Tool schemaOf(ToolDef def) {
        return McpSchema.Tool.builder().name(def.name()).description(def.description())
                .inputSchema(def.inputSchema()).build();
    }

    private static McpSchema.CallToolResult result(ToolOutcome outcome) {
        return McpSchema.CallToolResult.builder().addTextContent(outcome.text())
                .structuredContent(outcome.structured()).isError(outcome.error()).build();
    }

    /** What the server tells the model at initialize: the workflow and where seeds come from. */
    String instructions() {
        StringBuilder text = new StringBuilder("Pyro gives you disposable, isolated Linux workspaces (surface "
                + surface.id() + "). ");
        if (surface == McpSurface.VM_RUN) {
            text.append("Use vm_run to run one command in a fresh sandbox that is deleted afterwards.");
        } else {
            text.append("Create a workspace, then explore, edit, run and review inside it; workspace_reset is the "
                    + "cheap retry, workspace_export is how results reach the host, workspace_delete cleans up. ");
            text.append(projectSource == null ? "workspace_create seeds /workspace from seed_path (or leaves it empty)."
                    : "workspace_create without seed_path seeds /workspace from " + projectSource.describe() + ".");
        }
        if (environment != null) {
            text.append(" The default environment is ").append(environment).append('.');
        }
        return text.toString();
    }

    private static String version() {
        String v = PyroMcpServer.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
