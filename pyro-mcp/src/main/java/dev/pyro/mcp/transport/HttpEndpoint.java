package dev.pyro.mcp.transport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * MCP Streamable HTTP at {@code /mcp} on the JDK's HTTP server, stateless: each POST carries one
 * JSON-RPC message and gets its reply as {@code application/json}; there is no server-initiated
 * stream (GET is 405), which the protocol allows. Every request passes {@link HttpAccess} first.
 */
public final class HttpEndpoint implements McpStatelessServerTransport, AutoCloseable {

    public static final String PATH = "/mcp";
    private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoint.class);
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final int MAX_BODY = 16 * 1024 * 1024;

    private final McpJsonMapper mapper;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpAccess access;
    private final String token;
    private volatile McpStatelessServerHandler handler;

    /** Binds at once; {@code port} 0 picks a free one. {@code token} null: a random one. */
    public HttpEndpoint(McpJsonMapper mapper, String host, int port, String token) throws IOException {
        this.mapper = mapper;
        this.token = token == null ? newToken() : token;
        this.server = HttpServer.create(new InetSocketAddress(host, port), 64);
        this.access = new HttpAccess(this.token, HttpAccess.hostsFor(host, server.getAddress().getPort()));
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    public static String newToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public void start() {
        server.start();
    }

    public String token() {
        return token;
    }

    public URI uri() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + PATH);
    }

    @Override
    public void setMcpHandler(McpStatelessServerHandler handler) {
        this.handler = handler;
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(this::close);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            HttpAccess.Verdict verdict = access.check(exchange.getRequestHeaders().getFirst("Host"),
                    exchange.getRequestHeaders().getFirst("Origin"),
                    exchange.getRequestHeaders().getFirst("Authorization"));
            switch (verdict) {
                case BAD_HOST -> { plain(exchange, 403, "Host header not allowed"); return; }
                case BAD_ORIGIN -> { plain(exchange, 403, "Origin not allowed"); return; }
                case NO_TOKEN -> {
                    exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                    plain(exchange, 401, "missing or wrong bearer token");
                    return;
                }
                case OK -> { }
            }
            if (!exchange.getRequestURI().getPath().equals(PATH)) {
                plain(exchange, 404, "the MCP endpoint is " + PATH);
                return;
            }
            if (!exchange.getRequestMethod().equals("POST")) {
                exchange.getResponseHeaders().set("Allow", "POST");
                plain(exchange, 405, "this server is stateless: POST one JSON-RPC message per request");
                return;
            }
            byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                plain(exchange, 413, "request body over " + MAX_BODY + " bytes");
                return;
            }
            post(exchange, new String(body, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            LOG.error("HTTP request failed", e);
        }
    }

    private void post(HttpExchange exchange, String body) throws IOException {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (RuntimeException e) {
            json(exchange, 400, rpcError(null, -32700, "Parse error: the body is not valid JSON"));
            return;
        }
        McpSchema.JSONRPCMessage message;
        Object id = JsonRpcShape.replyId(node, JSON);
        try {
            JsonRpcShape.check(node);
        } catch (IllegalArgumentException e) {
            json(exchange, 400, rpcError(id, -32600, "Invalid Request: " + e.getMessage()));
            return;
        }
        try {
            message = McpSchema.deserializeJsonRpcMessage(mapper, body);
        } catch (IOException | RuntimeException e) {
            // the SDK's reason names Java types: not for the client
            json(exchange, 400, rpcError(id, -32600, "Invalid Request: not a JSON-RPC 2.0 request, notification or "
                    + "response"));
            return;
        }
        String params = JsonRpcShape.paramsProblem(node);
        if (params != null) {
            json(exchange, 200, rpcError(id, -32602, "Invalid params: " + params));
            return;
        }
        McpTransportContext context = McpTransportContext.create(Map.of());
        if (message instanceof McpSchema.JSONRPCRequest request) {
            McpSchema.JSONRPCResponse response = handler.handleRequest(context, request).block();
            byte[] reply = mapper.writeValueAsBytes(response);
            JsonNode cleaned = JsonRpcShape.cleanedReply(JSON.readTree(reply));
            if (cleaned != null) {
                LOG.warn("internal error answered to the client: {}", response.error().message());
                reply = JSON.writeValueAsBytes(cleaned);
            }
            json(exchange, 200, reply);
        } else if (message instanceof McpSchema.JSONRPCNotification notification) {
            handler.handleNotification(context, notification).block();
            exchange.sendResponseHeaders(202, -1);
        } else {
            exchange.sendResponseHeaders(202, -1);
        }
    }

    private static byte[] rpcError(Object id, int code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("jsonrpc", "2.0");
        error.put("id", id);
        error.put("error", new java.util.TreeMap<>(Map.of("code", code, "message", message))); // code, message: the same every run
        return JSON.writeValueAsBytes(error);
    }

    private static void json(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void plain(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
