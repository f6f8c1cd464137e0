package dev.pyro.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class MessagesTest {

    @Test
    void spawnRequestIsSnakeCase() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("A", "1");
        env.put("UNSET_ME", null);
        ObjectNode j = SpawnRequest.of("sh", "-c", "true").withCwd("/workspace").withEnv(env)
                .withPty(24, 80).withStdin(true).withOutputLimit(1000L).withClearEnv(true).toJson();
        assertThat(j.toString()).isEqualTo("{\"op\":\"spawn\",\"argv\":[\"sh\",\"-c\",\"true\"],\"cwd\":\"/workspace\","
                + "\"env\":{\"A\":\"1\",\"UNSET_ME\":null},\"clear_env\":true,\"pty\":{\"rows\":24,\"cols\":80},"
                + "\"stdin\":true,\"output_limit_bytes\":1000}");
        assertThat(SpawnRequest.of("true").toJson().toString()).isEqualTo("{\"op\":\"spawn\",\"argv\":[\"true\"]}");
        assertThatThrownBy(() -> SpawnRequest.of()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PtySize(0, 80)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writeOptionsOnlySendNonDefaults() {
        ObjectNode o = Json.object();
        WriteOptions.defaults().putInto(o);
        assertThat(o.isEmpty()).isTrue();
        WriteOptions.defaults().withMode(0600).withAtomic(true).withParents(true).withMtimeNs(5L).putInto(o);
        assertThat(o.toString()).isEqualTo("{\"mode\":384,\"parents\":true,\"atomic\":true,\"mtime_ns\":5}");
    }

    @Test
    void parsesResponsesAndIgnoresUnknownFields() {
        JsonNode exit = Json.MAPPER.readTree("{\"event\":\"exit\",\"process_id\":3,\"pid\":77,\"exit_code\":null,"
                + "\"signal\":9,\"signal_name\":\"KILL\",\"core_dumped\":false,\"truncated\":true,"
                + "\"stdout_bytes\":10,\"stderr_bytes\":2,\"duration_ms\":5,\"future_field\":[1]}");
        ExitStatus st = Json.convert(exit, ExitStatus.class);
        assertThat(st).isEqualTo(new ExitStatus(3, 77, null, 9, "KILL", false, true, 10, 2, 5));
        assertThat(st.success()).isFalse();
        assertThat(st.shellCode()).isEqualTo(137);

        FileStat fs = Json.convert(Json.MAPPER.readTree("{\"ok\":true,\"type\":\"symlink\",\"size\":4,\"mode\":511,"
                + "\"uid\":0,\"gid\":0,\"nlink\":1,\"mtime_ns\":1500000000123456789,\"link_target\":\"/x\"}"), FileStat.class);
        assertThat(fs.isSymlink()).isTrue();
        assertThat(fs.linkTarget()).isEqualTo("/x");
        assertThat(fs.mtime().getNano()).isEqualTo(123456789);
        assertThat(Json.convert(Json.MAPPER.readTree("{\"type\":\"whiteout\"}"), FileStat.class).type())
                .isEqualTo(FileType.UNKNOWN);

        DirEntry e = Json.convert(Json.MAPPER.readTree("{\"name\":\"a\\ufffd\",\"name_b64\":\"Yf8=\",\"type\":\"file\"}"),
                DirEntry.class);
        assertThat(e.nameIsUtf8()).isFalse();
        assertThat(e.rawName()).containsExactly('a', 0xff);
    }

    @Test
    void errorsCarryCodeErrnoAndMessage() {
        JsonNode r = Json.MAPPER.readTree("{\"ok\":false,\"error\":{\"code\":\"ENOENT\",\"errno\":2,"
                + "\"message\":\"stat '/x': No such file or directory\"}}");
        AgentException e = AgentChannels.errorOf(r);
        assertThat(e.code()).isEqualTo("ENOENT");
        assertThat(e.errno()).isEqualTo(2);
        assertThat(e.isNotFound()).isTrue();
        assertThat(e.getMessage()).isEqualTo("stat '/x': No such file or directory");
        assertThat(e.getStackTrace()).as("user-facing errors carry no stack trace").isEmpty();
    }
}
