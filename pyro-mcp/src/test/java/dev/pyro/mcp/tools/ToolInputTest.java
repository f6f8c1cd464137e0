package dev.pyro.mcp.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.PyroException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A tool input record's schema and binding come from the record alone; mistakes in a record fail at once. */
class ToolInputTest {

    record Sample(
            @Arg(value = "The id.", required = true) String workspaceId,
            @Arg(value = "Lines.", dflt = "200") Integer tailLines,
            @Arg(value = "Width.", dflt = "120") int cols,
            @Arg(value = "Plain.", dflt = "false") boolean plain,
            @Arg(value = "Signal.", dflt = "INT", oneOf = {"INT", "TERM"}) String signalName,
            @Arg(value = "Only in workspace-full.", full = true) Map<String, String> secretEnv,
            @Arg(value = "Keys.") List<String> clearLabels) {
    }

    @ReadOrder({"cols", "workspace_id"})
    record MissesAField(@Arg("a") String workspaceId, @Arg(value = "b", dflt = "1") int cols,
                        @Arg("c") String name) {
    }

    record NoArg(String workspaceId) {
    }

    private static final ToolInput.Surface CORE = new ToolInput.Surface(false, null, Map.of());
    private static final ToolInput.Surface FULL = new ToolInput.Surface(true, null, Map.of());

    @Test
    void schemaFollowsTheRecord() {
        ToolInput<Sample> input = ToolInput.of(Sample.class, CORE);
        assertThat(input.names()).containsExactly("workspace_id", "tail_lines", "cols", "plain", "signal_name",
                "clear_labels");
        assertThat(ToolInput.of(Sample.class, FULL).names()).contains("secret_env");
        assertThat(tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(input.schema()))
                .isEqualTo("{\"type\":\"object\",\"properties\":{"
                        + "\"workspace_id\":{\"type\":\"string\",\"description\":\"The id.\"},"
                        + "\"tail_lines\":{\"type\":\"integer\",\"description\":\"Lines.\",\"default\":200},"
                        + "\"cols\":{\"type\":\"integer\",\"description\":\"Width.\",\"default\":120},"
                        + "\"plain\":{\"type\":\"boolean\",\"description\":\"Plain.\",\"default\":false},"
                        + "\"signal_name\":{\"type\":\"string\",\"description\":\"Signal.\",\"default\":\"INT\","
                        + "\"enum\":[\"INT\",\"TERM\"]},"
                        + "\"clear_labels\":{\"type\":\"array\",\"description\":\"Keys.\",\"items\":{\"type\":\"string\"}}},"
                        + "\"required\":[\"workspace_id\"],\"additionalProperties\":false}");
    }

    @Test
    void bindingAppliesDefaultsAndToolArgsChecks() {
        ToolInput<Sample> input = ToolInput.of(Sample.class, CORE);
        Sample sample = input.bind(args(input, Map.of("workspace_id", "w1")), Map.of());
        assertThat(sample).isEqualTo(new Sample("w1", 200, 120, false, "INT", null, null));
        Map<String, Object> nullTail = new LinkedHashMap<>(Map.of("workspace_id", "w1"));
        nullTail.put("tail_lines", null);
        assertThat(input.bind(args(input, nullTail), Map.of()).tailLines()).isNull();
        assertThatThrownBy(() -> input.bind(args(input, Map.of("workspace_id", "w1", "cols", "wide")), Map.of()))
                .isInstanceOf(PyroException.class).hasMessage("sample: cols must be an integer, got \"wide\"");
        assertThatThrownBy(() -> input.bind(args(input, Map.of()), Map.of()))
                .hasMessage("sample: workspace_id is required and must be a non-empty string");
        assertThatThrownBy(() -> args(input, Map.of("workspace_id", "w1", "secret_env", Map.of())))
                .hasMessageContaining("sample has no argument 'secret_env' in the workspace-core surface")
                .hasMessageContaining("needs --profile workspace-full");
    }

    @Test
    void mistakesInARecordFailWhenTheCatalogIsBuilt() {
        assertThatThrownBy(() -> ToolInput.of(NoArg.class, CORE)).hasMessageContaining("has no @Arg");
        assertThatThrownBy(() -> ToolInput.of(MissesAField.class, CORE)).hasMessageContaining("@ReadOrder misses");
    }

    private static ToolArgs args(ToolInput<?> input, Map<String, Object> values) {
        return new ToolArgs("sample", values, input.names(), "workspace-core");
    }
}
