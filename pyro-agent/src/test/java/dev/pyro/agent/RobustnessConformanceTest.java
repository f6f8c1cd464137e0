package dev.pyro.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.protocol.AgentConnection;
import dev.pyro.protocol.Frame;
import dev.pyro.protocol.FrameType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Malformed frames and requests: the agent answers an error or closes, and keeps serving. */
class RobustnessConformanceTest {
    @TempDir
    static Path tmp;

    @RealAgent
    static AgentHarness agent;

    @AfterEach
    void agentStillServes() {
        assertThat(agent.process.isAlive()).as("agent alive; log:\n" + agent.log()).isTrue();
        try (AgentConnection c = agent.connect()) {
            assertThat(c.files().stat("/").isDirectory()).isTrue();
        }
    }

    private static byte[] header(int length, int channel, int type) {
        return ByteBuffer.allocate(9).putInt(length).putInt(channel).put((byte) type).array();
    }

    private void expectProtocolErrorAndClose(byte[] bytes, String message) {
        try (RawClient c = new RawClient(agent.socket)) {
            c.hello();
            c.raw(bytes);
            JsonNode ev = c.nextJson();
            assertThat(ev.path("event").asString()).isEqualTo("protocol_error");
            assertThat(ev.path("error").path("message").asString()).isEqualTo(message);
            assertThat(c.closedWithin(Duration.ofSeconds(3))).as("agent closes the connection").isTrue();
        }
    }

    @Test
    void lengthOutOfRangeClosesTheConnection() {
        expectProtocolErrorAndClose(header(1, 1, 2), "frame length 1 out of range [5, 65541]");
        expectProtocolErrorAndClose(header(4, 1, 2), "frame length 4 out of range [5, 65541]");
        expectProtocolErrorAndClose(header(65542, 1, 2), "frame length 65542 out of range [5, 65541]");
        expectProtocolErrorAndClose(header(-1, 1, 2), "frame length 4294967295 out of range [5, 65541]");
    }

    @Test
    void zeroLengthFieldsArePadding() {
        try (RawClient c = new RawClient(agent.socket)) {
            c.raw(new byte[dev.pyro.protocol.Protocol.RESYNC_PADDING]);
            c.hello();
            c.raw(new byte[8]);
            assertThat(c.call(1, "{\"op\":\"ping\"}").path("ok").asBoolean()).isTrue();
        }
    }

    @Test
    void unknownOrMisdirectedFrameTypesCloseTheConnection() {
        expectProtocolErrorAndClose(header(5, 1, 0), "unknown frame type 0");
        expectProtocolErrorAndClose(header(5, 1, 8), "unknown frame type 8");
        expectProtocolErrorAndClose(header(5, 1, 200), "unknown frame type 200");
        expectProtocolErrorAndClose(header(5, 1, FrameType.STDOUT.code()), "frame type 5 is agent-to-host only");
        expectProtocolErrorAndClose(header(5, 3, FrameType.HELLO.code()), "HELLO frame on channel 3 (must be 0)");
    }

    @Test
    void truncatedFramesAndAbruptDisconnects() {
        try (RawClient c = new RawClient(agent.socket)) {
            c.hello();
            c.raw(header(1000, 1, 2));
            c.raw("{\"op\":\"st".getBytes(StandardCharsets.UTF_8));
        }   // disconnect mid-frame
        try (RawClient c = new RawClient(agent.socket)) {
            c.raw(new byte[] {0, 0});   // half a header, then gone
        }
    }

    @Test
    void badJsonIsAnErrorResponseAndTheConnectionContinues() {
        try (RawClient c = new RawClient(agent.socket)) {
            c.hello();
            JsonNode r = c.call(1, "{not json");
            assertThat(r.path("ok").asBoolean()).isFalse();
            assertThat(r.path("error").path("code").asString()).isEqualTo("bad_request");
            assertThat(r.path("error").path("message").asString()).startsWith("invalid JSON: ");
            for (String notObject : List.of("[1,2]", "42", "\"op\"", "null")) {
                assertThat(c.call(2, notObject).path("error").path("message").asString())
                        .as(notObject).isIn("request must be a JSON object", "invalid JSON: '[' or '{' expected near '42'",
                                "invalid JSON: '[' or '{' expected near '\"op\"'", "invalid JSON: '[' or '{' expected near 'null'");
            }
            c.send(3, FrameType.MSG, new byte[] {'{', '"', 'o', 'p', '"', ':', '"', (byte) 0xff, '"', '}'});
            assertThat(c.nextJson().path("error").path("message").asString()).startsWith("invalid JSON");
            assertThat(c.call(4, "{\"op\":\"stat\",\"path\":\"/a\\u0000b\"}").path("error").path("code").asString())
                    .isEqualTo("bad_request");
            assertThat(c.call(5, "[".repeat(60_000)).path("error").path("code").asString()).isEqualTo("bad_request");
            assertThat(c.call(6, "{\"op\":\"ping\",\"op\":\"ping\"}").path("error").path("message").asString())
                    .contains("duplicate");
            assertThat(c.call(7, "{\"op\":\"ping\"}").path("ok").asBoolean()).isTrue();
        }
    }

    @Test
    void badRequestsGetPreciseErrors() {
        try (RawClient c = new RawClient(agent.socket)) {
            c.hello();
            String[][] cases = {
                {"{}", "field 'op' is required and must be a string"},
                {"{\"op\":7}", "field 'op' is required and must be a string"},
                {"{\"op\":\"fly\"}", "unknown op 'fly'"},
                {"{\"op\":\"stat\"}", "field 'path' is required"},
                {"{\"op\":\"stat\",\"path\":5}", "field 'path' must be a string"},
                {"{\"op\":\"stat\",\"path\":\"/\",\"follow\":\"yes\"}", "field 'follow' must be a boolean"},
                {"{\"op\":\"read\",\"path\":\"/\",\"max_bytes\":-1}", "field 'max_bytes' must be between 0 and 9223372036854775807"},
                {"{\"op\":\"read\",\"path\":\"/\",\"offset\":1.5}", "field 'offset' must be an integer"},
                {"{\"op\":\"spawn\"}", "field 'argv' must be a non-empty array of strings"},
                {"{\"op\":\"spawn\",\"argv\":[]}", "field 'argv' must be a non-empty array of strings"},
                {"{\"op\":\"spawn\",\"argv\":[\"a\",1]}", "field 'argv' must be a non-empty array of strings"},
                {"{\"op\":\"spawn\",\"argv\":[\"\"]}", "argv[0] must not be empty"},
                {"{\"op\":\"spawn\",\"argv\":[\"true\"],\"env\":[]}", "field 'env' must be an object"},
                {"{\"op\":\"spawn\",\"argv\":[\"true\"],\"env\":{\"A\":1}}", "env value of 'A' must be a string or null"},
                {"{\"op\":\"spawn\",\"argv\":[\"true\"],\"pty\":{\"rows\":0}}", "pty: field 'rows' must be between 1 and 65535"},
                {"{\"op\":\"spawn\",\"argv\":[\"true\"],\"output_limit_bytes\":-5}",
                    "field 'output_limit_bytes' must be between 0 and 9223372036854775807"},
                {"{\"op\":\"signal\",\"process_id\":1}", "no process with id 1"},
                {"{\"op\":\"signal\"}", "field 'process_id' is required"},
                {"{\"op\":\"resize\",\"process_id\":\"x\"}", "field 'process_id' must be an integer"},
                {"{\"op\":\"write\",\"path\":\"/tmp/x\"}", "field 'length' is required"},
                {"{\"op\":\"mkdir\",\"path\":\"/tmp/x\",\"mode\":99999}", "field 'mode' must be between 0 and 4095"},
                {"{\"op\":\"shutdown\"}", "shutdown needs pyro-init (the agent was not started by it)"},
                {"{\"op\":\"set_time\"}", "field 'unix_ns' is required"},
            };
            int ch = 10;
            for (String[] k : cases) {
                JsonNode r = c.call(ch++, k[0]);
                assertThat(r.path("ok").asBoolean(true)).as(k[0]).isFalse();
                assertThat(r.path("error").path("message").asString()).as(k[0]).isEqualTo(k[1]);
            }
        }
    }

    @Test
    void everyConnectionStartsWithAgentReady() {
        try (RawClient c = new RawClient(agent.socket)) {
            assertThat(c.readyEvent.path("protocol").asInt()).isEqualTo(1);
            assertThat(c.readyEvent.path("instance").asString()).hasSize(16);
            assertThat(c.hello().path("instance").asString()).isEqualTo(c.readyEvent.path("instance").asString());
        }
    }

    @Test
    void requestsBeforeHelloAndOnChannelZero() {
        try (RawClient c = new RawClient(agent.socket)) {
            JsonNode r = c.call(1, "{\"op\":\"ping\"}");
            assertThat(r.path("error").path("code").asString()).isEqualTo("hello_required");
            c.hello();
            c.send(0, FrameType.MSG, "{\"op\":\"ping\"}");
            JsonNode ev = c.nextJson();
            assertThat(ev.path("event").asString()).isEqualTo("error");
            assertThat(ev.path("error").path("code").asString()).isEqualTo("bad_request");
            JsonNode badHello = null;
            c.send(0, FrameType.HELLO, "{\"op\":\"hello\",\"protocol\":99,\"nonce\":\"n\"}");
            badHello = c.nextJson();
            assertThat(badHello.path("error").path("code").asString()).isEqualTo("unsupported_protocol");
            assertThat(badHello.path("protocol").asInt()).isEqualTo(1);
            c.send(0, FrameType.HELLO, "garbage");
            assertThat(c.nextJson().path("error").path("code").asString()).isEqualTo("bad_request");
            assertThat(c.call(9, "{\"op\":\"ping\"}").path("ok").asBoolean()).isTrue();
        }
    }

    @Test
    void oversizeSplitMessagesAreRefused() {
        try (RawClient c = new RawClient(agent.socket)) {
            c.hello();
            byte[] part = new byte[65536];
            java.util.Arrays.fill(part, (byte) ' ');
            for (int i = 0; i < 20; i++) c.send(5, FrameType.MSG_PART, part);   // 1.25 MiB
            JsonNode r = c.call(5, "{\"op\":\"ping\"}");
            assertThat(r.path("error").path("code").asString()).isEqualTo("too_large");
            // a split message under the limit is fine
            c.send(6, FrameType.MSG_PART, "{\"op\":");
            assertThat(c.call(6, "\"ping\"}").path("ok").asBoolean()).isTrue();
            // interleaving another channel inside a split message is a protocol error
            c.send(7, FrameType.MSG_PART, "{\"op\":");
            c.send(8, FrameType.MSG, "{\"op\":\"ping\"}");
            assertThat(c.nextJson().path("event").asString()).isEqualTo("protocol_error");
            assertThat(c.closedWithin(Duration.ofSeconds(3))).isTrue();
        }
    }

    @Test
    void dataAndEofForUnknownChannelsAreIgnored() {
        try (RawClient c = new RawClient(agent.socket)) {
            c.hello();
            c.send(77, FrameType.DATA, "stray");
            c.send(78, FrameType.EOF, new byte[0]);
            assertThat(c.call(79, "{\"op\":\"ping\"}").path("ok").asBoolean()).isTrue();
        }
    }

    @Test
    void fuzzedFramesNeverCrashTheAgent() {
        Random rnd = new Random(12345);
        String[] seeds = {
            "{\"op\":\"stat\",\"path\":\"/etc/hostname\"}", "{\"op\":\"list\",\"path\":\"/proc/self\",\"limit\":3}",
            "{\"op\":\"read\",\"path\":\"/etc/hostname\",\"max_bytes\":10}", "{\"op\":\"ping\"}",
            "{\"op\":\"readlink\",\"path\":\"/proc/self/exe\"}", "{\"op\":\"list_processes\"}",
            "{\"op\":\"signal\",\"process_id\":1,\"signal\":\"TERM\"}", "{\"op\":\"resize\",\"process_id\":2,\"rows\":1,\"cols\":1}",
        };
        int sessions = 0;
        int sent = 0;
        FrameType[] types = {FrameType.MSG, FrameType.MSG, FrameType.MSG, FrameType.MSG_PART, FrameType.DATA, FrameType.EOF};
        while (sent < 2500) {
            sessions++;
            try (RawClient c = new RawClient(agent.socket)) {
                c.hello();
                for (int i = 0; i < 400; i++) {
                    byte[] body = seeds[rnd.nextInt(seeds.length)].getBytes(StandardCharsets.UTF_8);
                    int flips = rnd.nextInt(4);
                    for (int f = 0; f < flips; f++) body[rnd.nextInt(body.length)] = (byte) rnd.nextInt(256);
                    if (rnd.nextInt(10) == 0) body = java.util.Arrays.copyOf(body, rnd.nextInt(body.length));
                    c.send(1 + rnd.nextInt(50), types[rnd.nextInt(types.length)], body);
                    sent++;
                }
                if (sessions % 2 == 0) {
                    byte[] junk = new byte[200];
                    rnd.nextBytes(junk);
                    c.raw(junk);
                }
            } catch (java.io.UncheckedIOException e) {
                // the agent closed this session after a protocol error (e.g. interleaved parts): next one
            }
        }
        System.err.println("fuzz: " + sent + " frames over " + sessions + " sessions");
        assertThat(sessions).isGreaterThan(1);
    }

    @Test
    void protocolErrorsAreLogged() {
        try (RawClient c = new RawClient(agent.socket)) {
            c.hello();
            c.raw(header(3, 0, 0));   // length 3: invalid
            Frame f = c.next();
            assertThat(f.channel()).isZero();
        }
        Proc.await(() -> agent.log().contains("protocol error: frame length 3 out of range"), Duration.ofSeconds(3), "log line");
    }
}
