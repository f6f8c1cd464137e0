package dev.pyro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.cache.FileTrees;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code pyro mcp serve --http}: the official TypeScript SDK client over Streamable HTTP with the
 * bearer token, and every request without it refused; foreign Host and Origin headers refused.
 */
class McpHttpTest {

    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";

    @TempDir(cleanup = CleanupMode.NEVER)
    Path tmp;

    Process server;

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.destroy();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
        EngineProcesses.stopEngine(tmp.resolve("state"));
        FileTrees.deleteRecursively(tmp);
    }

    @Test
    void tokenIsRequiredAndTheTypescriptClientWorksWithIt() throws Exception {
        String token = "test-token-0123456789";
        Path tokenFile = privateFile("token", token + "\n");
        URI uri = start("--http", "127.0.0.1:0", "--http-token-file", tokenFile.toString());
        assertThat(uri.getHost()).isEqualTo("127.0.0.1");

        JsonNode withToken = McpPeers.client(tmp, Map.of("transport", "http", "url", uri.toString(),
                "headers", Map.of("Authorization", "Bearer " + token), "listTools", true,
                "calls", List.of(Map.of("tool", "workspace_list", "args", Map.of()),
                        Map.of("tool", "workspace_status", "args", Map.of("workspace_id", "0123456789ab")))));
        assertThat(withToken.has("error")).as(withToken.toString()).isFalse();
        assertThat(withToken.get("tools")).hasSize(17);
        assertThat(withToken.get("calls").get(0).get("structuredContent").get("count").asInt()).isZero();
        assertThat(withToken.get("calls").get(1).get("isError").asBoolean()).isTrue();
        assertThat(withToken.get("calls").get(1).get("text").asString()).contains("workspace '0123456789ab' does not exist");

        JsonNode without = McpPeers.client(tmp, Map.of("transport", "http", "url", uri.toString(), "listTools", true));
        assertThat(without.get("error").asString()).contains("missing or wrong bearer token");
        assertThat(without.has("tools")).isFalse();
        JsonNode wrong = McpPeers.client(tmp, Map.of("transport", "http", "url", uri.toString(),
                "headers", Map.of("Authorization", "Bearer not-" + token), "listTools", true));
        assertThat(wrong.get("error").asString()).contains("missing or wrong bearer token");

        HttpClient http = HttpClient.newHttpClient();
        assertThat(post(http, uri, token, null).statusCode()).isEqualTo(200);
        assertThat(post(http, uri, null, null).statusCode()).isEqualTo(401);
        assertThat(post(http, uri, token, "http://attacker.invalid").statusCode()).isEqualTo(403);
        assertThat(post(http, uri, token, "http://127.0.0.1:" + uri.getPort()).statusCode()).isEqualTo(200);
        // a sandboxed iframe or a file: page sends "null": it is no origin of this endpoint
        assertThat(post(http, uri, token, "null").statusCode()).isEqualTo(403);
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        HttpResponse<String> garbage = http.send(HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{not json")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(garbage.body()).contains("-32700");
        HttpResponse<String> badParams = http.send(HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\","
                        + "\"params\":{\"name\":\"workspace_list\",\"arguments\":\"nope\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(badParams.body()).contains("-32602").contains("\\\"arguments\\\" must be an object")
                .doesNotContain("jackson").doesNotContain("modelcontextprotocol").doesNotContain("Exception");
        assertThat(rawStatus(uri, token, "attacker.invalid:" + uri.getPort())).isEqualTo(403);
        assertThat(rawStatus(uri, token, "localhost:" + uri.getPort())).isEqualTo(200);
    }

    @Test
    void generatedTokenGoesToAPrivateFileNeverToStderr() throws Exception {
        URI uri = start("--http", "0");
        Path file = Path.of(tokenLine.get(20, TimeUnit.SECONDS));
        assertThat(file).startsWith(tmp.resolve("state"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String token = Files.readString(file).strip();
        assertThat(token).hasSizeGreaterThan(30);
        HttpClient http = HttpClient.newHttpClient();
        assertThat(post(http, uri, token, null).statusCode()).isEqualTo(200);
        assertThat(post(http, uri, "guess", null).statusCode()).isEqualTo(401);
        server.destroy();
        server.waitFor(20, TimeUnit.SECONDS);
        assertThat(stderr.toString()).doesNotContain(token);
        assertThat(file).as("removed when the server stops").doesNotExist();
    }

    @Test
    void tokenFromTheEnvironmentWorks() throws Exception {
        URI uri = startWith(Map.of("PYRO_MCP_TOKEN", "env-token-0123456789"), "--http", "0");
        HttpClient http = HttpClient.newHttpClient();
        assertThat(post(http, uri, "env-token-0123456789", null).statusCode()).isEqualTo(200);
        assertThat(tokenLine).isNotDone();
    }

    @Test
    void tokenOnTheCommandLineAndUnsafeTokenFilesAreRefused() throws Exception {
        CliProcess cli = new CliProcess().env("PYRO_STATE_DIR", tmp.resolve("state").toString());
        CliProcess.Result argv = cli.run("mcp", "serve", "--no-project-source", "--http", "0", "--http-token", "s3cret");
        assertThat(argv.exitCode()).as(argv.stderr()).isEqualTo(2);
        assertThat(argv.stderr()).contains("--http-token is not accepted: a token on the command line is readable by "
                + "every local user (ps); use --http-token-file PATH").contains("PYRO_MCP_TOKEN")
                .doesNotContain("Exception");

        Path readable = privateFile("readable", "tok-0123456789");
        Files.setPosixFilePermissions(readable, PosixFilePermissions.fromString("rw-r--r--"));
        CliProcess.Result open = cli.run("mcp", "serve", "--no-project-source", "--http", "0", "--http-token-file",
                readable.toString());
        assertThat(open.exitCode()).as(open.stderr()).isEqualTo(2);
        assertThat(open.stderr()).contains("is readable or writable by other users").contains("chmod 600 " + readable);

        Path link = Files.createSymbolicLink(tmp.resolve("link"), privateFile("target", "tok-0123456789"));
        CliProcess.Result linked = cli.run("mcp", "serve", "--no-project-source", "--http", "0", "--http-token-file",
                link.toString());
        assertThat(linked.stderr()).contains("must be a regular file (not a symlink");
        CliProcess.Result missing = cli.run("mcp", "serve", "--no-project-source", "--http", "0",
                "--http-token-file", tmp.resolve("none").toString());
        assertThat(missing.stderr()).contains("does not exist; create it with: (umask 077;");
    }

    @Test
    void tokenFileOfAnotherUserIsRefused() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("user.name").equals("root"),
                "needs root to chown a file to another user");
        Path foreign = privateFile("foreign", "tok-0123456789");
        Files.setOwner(foreign, foreign.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        CliProcess.Result r = new CliProcess().env("PYRO_STATE_DIR", tmp.resolve("state").toString())
                .run("mcp", "serve", "--no-project-source", "--http", "0", "--http-token-file", foreign.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("is owned by nobody, not by you");
    }

    private Path privateFile(String name, String content) throws Exception {
        Path file = tmp.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private final CompletableFuture<String> tokenLine = new CompletableFuture<>();

    private final StringBuffer stderr = new StringBuffer();

    private URI start(String... flags) throws Exception {
        return startWith(Map.of(), flags);
    }

    private URI startWith(Map<String, String> env, String... flags) throws Exception {
        String[] args = new String[flags.length + 3];
        args[0] = "mcp";
        args[1] = "serve";
        args[2] = "--no-project-source";
        System.arraycopy(flags, 0, args, 3, flags.length);
        CliProcess cli = new CliProcess().env("PYRO_STATE_DIR", tmp.resolve("state").toString());
        env.forEach(cli::env);
        server = cli.start(args);
        server.getOutputStream().close();
        CompletableFuture<URI> listening = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            Pattern url = Pattern.compile("\\[mcp\\] listening on (\\S+)");
            Pattern token = Pattern.compile("\\[mcp\\] token file (\\S+)");
            try (BufferedReader err = new BufferedReader(new InputStreamReader(server.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                    stderr.append(line).append('\n');
                    Matcher m = url.matcher(line);
                    if (m.find()) {
                        listening.complete(URI.create(m.group(1)));
                    }
                    Matcher t = token.matcher(line);
                    if (t.find()) {
                        tokenLine.complete(t.group(1));
                    }
                }
            } catch (Exception e) {
                listening.completeExceptionally(e);
            }
            listening.completeExceptionally(new AssertionError("the server ended without listening"));
        });
        reader.setDaemon(true);
        reader.start();
        return listening.get(60, TimeUnit.SECONDS);
    }

    private static HttpResponse<String> post(HttpClient http, URI uri, String token, String origin) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(INITIALIZE));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (origin != null) {
            request.header("Origin", origin);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** HttpClient will not send a foreign Host header, so this request is written by hand. */
    private static int rawStatus(URI uri, String token, String host) throws Exception {
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            byte[] body = INITIALIZE.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + uri.getPath() + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            return Integer.parseInt(status.split(" ")[1]);
        }
    }
}
