package dev.pyro.engine.server;

import dev.pyro.api.OutputListener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.PyroException;
import dev.pyro.api.engine.EngineInfo;
import dev.pyro.api.engine.Operation;
import dev.pyro.api.engine.Operations;
import dev.pyro.api.PyroPaths;
import dev.pyro.api.Json;
import dev.pyro.api.vm.VmRequest;
import dev.pyro.api.workspace.WorkspaceRequest;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Each operation is declared once (Operations) and handled once (EngineDispatcher); no sandbox needed. */
class EngineOperationsTest {

    /**
     * The fields each operation requires, in the order they are checked: the ones the handlers
     * checked themselves before {@code RequiredFields} (operations not named here require none).
     */
    private static final Map<String, List<String>> REQUIRED = new LinkedHashMap<>();

    static {
        REQUIRED.put("run_in_vm", List.of("request", "request.environment", "command"));
        REQUIRED.put("create_vm", List.of("request", "request.environment"));
        for (String op : List.of("start_vm", "stop_vm", "delete_vm", "status_vm", "network_info_vm")) {
            REQUIRED.put(op, List.of("vm_id"));
        }
        REQUIRED.put("exec_vm", List.of("vm_id", "command"));
        REQUIRED.put("inspect_environment", List.of("environment"));
        REQUIRED.put("pull_environment", List.of("environment"));
        REQUIRED.put("create_workspace", List.of("request", "request.environment"));
        for (String op : List.of("status_workspace", "update_workspace", "logs_workspace", "stop_workspace",
                "start_workspace", "reset_workspace", "delete_workspace", "open_shell", "start_service",
                "list_services", "list_snapshots", "push_workspace_sync", "list_workspace_files", "diff_workspace",
                "summarize_workspace", "export_workspace_disk", "list_workspace_disk")) {
            REQUIRED.put(op, List.of("workspace_id"));
        }
        REQUIRED.put("exec_workspace", List.of("workspace_id", "command"));
        for (String op : List.of("read_shell", "write_shell", "signal_shell", "close_shell")) {
            REQUIRED.put(op, List.of("workspace_id", "shell_id"));
        }
        for (String op : List.of("status_service", "logs_service", "stop_service")) {
            REQUIRED.put(op, List.of("workspace_id", "service_name"));
        }
        REQUIRED.put("create_snapshot", List.of("workspace_id", "snapshot_name"));
        REQUIRED.put("delete_snapshot", List.of("workspace_id", "snapshot_name"));
        REQUIRED.put("prepare", List.of("environment"));
        REQUIRED.put("read_workspace_file", List.of("workspace_id", "path"));
        REQUIRED.put("write_workspace_file", List.of("workspace_id", "path", "text"));
        REQUIRED.put("apply_workspace_patch", List.of("workspace_id", "patch"));
        REQUIRED.put("export_workspace", List.of("workspace_id", "path"));
        REQUIRED.put("read_workspace_disk", List.of("workspace_id", "path"));
    }

    @TempDir
    Path dir;

    private EngineServices services() {
        PyroPaths paths = new PyroPaths(dir.resolve("cache"), dir.resolve("state"), dir.resolve("cache/environments"));
        return new EngineServices(paths, new EngineSettings(Duration.ofMinutes(10), 4), EngineLog.discard(),
                () -> new EngineInfo(1, EngineProtocol.VERSION, "test", dir.toString(), 0, 0, 0), () -> { });
    }

    @Test
    void everyOperationHasExactlyOneHandlerAndNothingElseIsServed() {
        try (EngineServices services = services()) {
            List<String> declared = Operations.ALL.stream().map(Operation::name).toList();
            assertThat(services.dispatcher().operations()).containsExactlyInAnyOrderElementsOf(declared);
        }
    }

    @Test
    void wireNamesAreUniqueAndUnchanged() {
        Set<String> names = new HashSet<>();
        for (Operation<?, ?> operation : Operations.ALL) {
            assertThat(names.add(operation.name())).as(operation.name()).isTrue();
            assertThat(operation.name()).matches("[a-z_]+");
        }
        assertThat(Operations.ALL).hasSize(51);
        assertThat(Operations.RUN_IN_VM.name()).isEqualTo("run_in_vm");
        assertThat(Operations.READ_WORKSPACE_DISK.name()).isEqualTo("read_workspace_disk");
    }

    @Test
    void unknownMethodAndMissingFieldKeepTheirTexts() {
        try (EngineServices services = services()) {
            EngineDispatcher dispatcher = services.dispatcher();
            RequestContext context = new RequestContext(EventSink.of(dev.pyro.api.Progress.NONE,
                    dev.pyro.api.OutputListener.NONE), new DisconnectGuard(dispatcher::deleteAbandonedVm));
            assertThatThrownBy(() -> dispatcher.dispatch("no_such_thing", null, context))
                    .isInstanceOf(PyroException.class).hasMessage("unknown engine method 'no_such_thing'");
            assertThatThrownBy(() -> dispatcher.dispatch("status_vm",
                    dev.pyro.api.Json.MAPPER.createObjectNode(), context))
                    .isInstanceOf(PyroException.class).hasMessage("engine request is missing 'vm_id'");
            assertThatThrownBy(() -> dispatcher.dispatch("status_vm", null, context))
                    .isInstanceOf(PyroException.class).hasMessage("engine request needs an object of params");
            assertThat(dispatcher.dispatch("ping", null, context)).isInstanceOf(EngineInfo.class);
        }
    }

    @Test
    void requiredFieldsAreDeclaredOnceAndAreFieldsOfTheParams() {
        for (Operation<?, ?> operation : Operations.ALL) {
            assertThat(operation.required()).as(operation.name())
                    .containsExactlyElementsOf(REQUIRED.getOrDefault(operation.name(), List.of()));
            for (String field : operation.required()) {
                String[] path = field.split("\\.");
                Class<?> type = operation.params();
                for (String name : path) {
                    RecordComponent component = Arrays.stream(type.getRecordComponents())
                            .filter(c -> snake(c.getName()).equals(name)).findFirst().orElse(null);
                    assertThat(component).as(operation.name() + " " + field).isNotNull();
                    type = component.getType();
                }
            }
        }
    }

    @Test
    void eachMissingRequiredFieldIsNamedAndTwoMissingNameTheFirstDeclared() {
        try (EngineServices services = services()) {
            EngineDispatcher dispatcher = services.dispatcher();
            RequestContext context = context(dispatcher);
            int checked = 0;
            for (Operation<?, ?> operation : Operations.ALL) {
                List<String> fields = operation.required();
                for (int i = 0; i < fields.size(); i++) {
                    String field = fields.get(i);
                    String expected = "engine request is missing '" + field + "'";
                    ObjectNode absent = complete(operation);
                    set(absent, field, null);
                    assertThatThrownBy(() -> dispatcher.dispatch(operation.name(), absent, context))
                            .as(operation.name() + " without " + field)
                            .isInstanceOf(PyroException.class).hasMessage(expected)
                            .extracting(e -> ((PyroException) e).kind()).isEqualTo(PyroException.Kind.INVALID_INPUT);
                    ObjectNode nulled = complete(operation);
                    set(nulled, field, Json.MAPPER.nullNode());
                    assertThatThrownBy(() -> dispatcher.dispatch(operation.name(), nulled, context))
                            .as(operation.name() + " with null " + field)
                            .isInstanceOf(PyroException.class).hasMessage(expected);
                    for (int j = i + 1; j < fields.size(); j++) {
                        ObjectNode two = complete(operation);
                        set(two, fields.get(j), null);
                        set(two, field, null);
                        assertThatThrownBy(() -> dispatcher.dispatch(operation.name(), two, context))
                                .as(operation.name() + " without " + field + " and a later field")
                                .isInstanceOf(PyroException.class).hasMessage(expected);
                    }
                    checked++;
                }
            }
            assertThat(checked).isEqualTo(REQUIRED.values().stream().mapToInt(List::size).sum());
        }
    }

    @Test
    void aParamsTypeErrorOrABadIdIsNamedBeforeAMissingField() {
        try (EngineServices services = services()) {
            EngineDispatcher dispatcher = services.dispatcher();
            RequestContext context = context(dispatcher);
            ObjectNode typeError = complete(Operations.EXEC_VM);
            typeError.remove("command");
            typeError.put("timeout_seconds", "abc");
            assertThatThrownBy(() -> dispatcher.dispatch("exec_vm", typeError, context))
                    .isInstanceOf(PyroException.class)
                    .hasMessageStartingWith("invalid engine params: Cannot deserialize value of type `int`");
            ObjectNode badId = complete(Operations.WRITE_WORKSPACE_FILE);
            badId.remove("path");
            badId.put("workspace_id", "NOT-AN-ID");
            assertThatThrownBy(() -> dispatcher.dispatch("write_workspace_file", badId, context))
                    .isInstanceOf(PyroException.class).hasMessage(
                            "workspace_id must be 12 lowercase hex characters (as Pyro prints it), got 'NOT-AN-ID'");
            ObjectNode noPrimitive = complete(Operations.EXEC_VM);
            noPrimitive.remove("command");
            noPrimitive.remove("timeout_seconds"); // Jackson refuses a missing int before the field is checked
            assertThatThrownBy(() -> dispatcher.dispatch("exec_vm", noPrimitive, context))
                    .isInstanceOf(PyroException.class).hasMessageStartingWith(
                            "invalid engine params: Cannot map `null` into type `int`");
            assertThatThrownBy(() -> dispatcher.dispatch("create_workspace", Json.MAPPER.createArrayNode(), context))
                    .isInstanceOf(PyroException.class).hasMessage("engine request needs an object of params");
        }
    }

    private static RequestContext context(EngineDispatcher dispatcher) {
        return new RequestContext(EventSink.of(dev.pyro.api.Progress.NONE, dev.pyro.api.OutputListener.NONE),
                new DisconnectGuard((id, reason) -> { }));
    }

    /** Params with every required field and every primitive the params record needs (Jackson refuses a missing one). */
    private static ObjectNode complete(Operation<?, ?> operation) {
        ObjectNode params = Json.MAPPER.createObjectNode();
        primitives(params, operation.params());
        for (String field : operation.required()) {
            if (field.equals("request")) {
                ObjectNode request = params.putObject("request");
                primitives(request, operation == Operations.CREATE_WORKSPACE ? WorkspaceRequest.class : VmRequest.class);
            } else {
                set(params, field, Json.MAPPER.getNodeFactory().stringNode(switch (field) {
                    case "vm_id", "workspace_id", "shell_id" -> "0123456789ab";
                    case "environment", "request.environment" -> "debian:12";
                    default -> "x";
                }));
            }
        }
        return params;
    }

    private static void primitives(ObjectNode params, Class<?> type) {
        for (RecordComponent component : type.getRecordComponents()) {
            if (component.getType() == boolean.class) {
                params.put(snake(component.getName()), false);
            } else if (component.getType() == int.class) {
                params.put(snake(component.getName()), 1);
            }
        }
    }

    /** Sets (or, for null, removes) {@code field}; a dot reaches into an object. */
    private static void set(ObjectNode params, String field, JsonNode value) {
        int dot = field.indexOf('.');
        ObjectNode target = dot < 0 ? params : (ObjectNode) params.get(field.substring(0, dot));
        String name = field.substring(dot + 1);
        if (value == null) {
            target.remove(name);
        } else {
            target.set(name, value);
        }
    }

    private static String snake(String name) {
        return name.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
    }
}
