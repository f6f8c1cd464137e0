package dev.pyro.engine.workspace.service;

import dev.pyro.api.Defaults;
import dev.pyro.api.OutputListener;
import dev.pyro.api.workspace.service.PublishedPortRequest;
import dev.pyro.api.workspace.service.Readiness;
import dev.pyro.api.workspace.service.ServiceInfo;
import dev.pyro.api.state.NetworkPolicy;
import dev.pyro.api.state.ServiceState;
import dev.pyro.api.ids.WorkspaceId;
import dev.pyro.api.PyroException;
import dev.pyro.engine.network.GuestNetwork;
import dev.pyro.engine.network.PortProxies;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.Json;
import dev.pyro.engine.workspace.WorkspaceContext;
import dev.pyro.engine.workspace.WorkspaceRecord;
import dev.pyro.engine.workspace.WorkspaceSecrets;
import dev.pyro.engine.workspace.files.WorkspacePath;
import dev.pyro.protocol.AgentConnection;
import dev.pyro.protocol.AgentException;
import dev.pyro.protocol.AgentProcess;
import dev.pyro.protocol.ExitStatus;
import dev.pyro.protocol.ProcessInfo;
import dev.pyro.protocol.SpawnRequest;
import dev.pyro.protocol.WriteOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Long-running services in workspaces (spec §7.5): started in their own process group with output
 * to {@code /run/pyro-services/NAME.{stdout,stderr}} (outside {@code /workspace}, so diffs never see
 * them), typed readiness probes run inside the guest, stop by TERM then KILL. Records live in the
 * workspace's {@code services/} dir; exits are learned from the guest agent.
 */
public final class WorkspaceServices {

    static final String GUEST_DIR = "/run/pyro-services";
    private static final Duration CALL = Duration.ofSeconds(30);
    private static final int LOG_READ_LIMIT = 4 * 1024 * 1024;

    private final WorkspaceContext context;
    // Exit reports go to the handle that spawned the process; the agent lists only uncollected ones.
    private final Map<String, AgentProcess> handles = new java.util.concurrent.ConcurrentHashMap<>();

    public WorkspaceServices(WorkspaceContext context) {
        this.context = context;
        context.onSandboxEnding(this::forgetAll);
    }

    public ServiceInfo start(String id, String name, String command, String rawCwd, Readiness readiness,
                             int readyTimeoutSeconds, int readyIntervalMs, Map<String, String> secretEnv,
                             List<?> publishedPorts) {
        checkName(name);
        if (command == null || command.isBlank()) {
            throw PyroException.invalid("command must not be empty");
        }
        if (readyTimeoutSeconds <= 0) {
            throw PyroException.invalid("ready_timeout_seconds must be positive");
        }
        if (readyIntervalMs <= 0) {
            throw PyroException.invalid("ready_interval_ms must be positive");
        }
        Readiness probe = ReadinessProbes.normalize(readiness);
        List<PublishedPortRequest> ports = PublishedPortRequest.validate(publishedPorts);
        String cwd = WorkspacePath.normalize(rawCwd == null ? WorkspacePath.ROOT_PATH : rawCwd, "cwd").value();
        WorkspaceRecord record = context.requireStarted(id, "service operations");
        GuestNetwork network = ports.isEmpty() ? null : publishable(record);
        Path sandboxDir = network == null ? null : record.sandbox().workDir();
        ports.stream().filter(p -> p.hostPort() != null).forEach(p -> PortProxies.requireFree(p.hostPort()));
        Path dir = context.store().dir(WorkspaceId.of(id));
        Map<String, String> env = new LinkedHashMap<>(WorkspaceSecrets.environment(dir, record.secretList(), secretEnv));
        AgentConnection agent = context.agent(record);
        ServiceInfo existing = read(id, name);
        if (existing != null && ServiceState.RUNNING.is(refresh(agent, existing).state())) {
            throw PyroException.invalid("service '" + name + "' is already running in workspace '" + id + "'");
        }
        try {
            if (!env.isEmpty()) {
                WorkspaceSecrets.install(agent, dir, record.secretList());
            }
            agent.files().mkdir(GUEST_DIR, 0755, true, true);
            for (String stream : List.of("stdout", "stderr")) {
                agent.files().write(GUEST_DIR + "/" + name + "." + stream, new byte[0], WriteOptions.defaults(), CALL);
            }
        } catch (IOException e) {
            throw PyroException.runtime("preparing service '" + name + "' failed: " + e.getMessage(), e);
        }
        env.put("PYRO_SERVICE_COMMAND", command);
        String runner = "exec /bin/sh -lc \"$PYRO_SERVICE_COMMAND\" >>" + GUEST_DIR + "/" + name + ".stdout 2>>"
                + GUEST_DIR + "/" + name + ".stderr";
        AgentProcess process = agent.processes().spawn(SpawnRequest.of(List.of("/bin/sh", "-c", runner)).withCwd(cwd)
                .withEnv(env), null, CALL);
        handles.put(id + "/" + name, process);
        double started = context.clock().getAsDouble();
        // The record and every payload keep the command and probe only redacted; the raw ones live
        // in this call (the spawn's environment and the probe loop below), never on disk.
        ServiceInfo info = redacted(new ServiceInfo(id, name, ServiceState.RUNNING.value(), command, cwd, started, null,
                null, process.pid(), record.executionMode(), probe, probe == null ? started : null, null, List.of(),
                process.processId(), null, null, null, null), WorkspaceSecrets.values(dir, record.secretList()));
        write(info);
        context.touch(id);
        if (probe == null) {
            return publish(agent, info, network, sandboxDir, ports);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(readyTimeoutSeconds).toNanos();
        while (true) {
            if (process.exit().isDone()) {
                ExitStatus status = process.exit().getNow(null);
                return write(info.ended(ServiceState.FAILED.value(), status == null ? null : status.shellCode(),
                        "process_exited_before_ready", context.clock().getAsDouble()));
            }
            if (GuestExec.run(agent, ReadinessProbes.probeCommand(probe), cwd, env, 12, OutputListener.NONE).exitCode() == 0) {
                return publish(agent, write(info.ready(context.clock().getAsDouble())), network, sandboxDir, ports);
            }
            if (System.nanoTime() > deadline) {
                terminate(agent, info);
                return write(info.ended(ServiceState.FAILED.value(), null, "readiness_timeout", context.clock().getAsDouble()));
            }
            try {
                Thread.sleep(Math.max(readyIntervalMs, 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw PyroException.runtime("interrupted while waiting for service '" + name + "'", e);
            }
        }
    }

    /** The workspace may publish ports: its policy allows it and its sandbox has a network. */
    private static GuestNetwork publishable(WorkspaceRecord record) {
        if (!NetworkPolicy.EGRESS_PUBLISHED_PORTS.is(record.networkPolicy())) {
            throw PyroException.invalid("published ports require workspace network_policy 'egress+published-ports'"
                    + " (this workspace has '" + record.networkPolicy() + "'; create one with "
                    + "--network-policy egress+published-ports)");
        }
        GuestNetwork network = record.sandbox() == null ? null : GuestNetwork.readFrom(record.sandbox().metadata());
        if (network == null) {
            throw PyroException.invalid("published ports require an active guest network configuration");
        }
        return network;
    }

    /**
     * Opens the service's published ports once it runs (and is ready). If a proxy cannot start, the
     * service is stopped and recorded as failed with {@code published_port_failed}.
     */
    private ServiceInfo publish(AgentConnection agent, ServiceInfo info, GuestNetwork network, Path sandboxDir,
                                List<PublishedPortRequest> ports) {
        if (ports.isEmpty()) {
            return info;
        }
        Path dir = context.store().dir(WorkspaceId.of(info.workspaceId())).resolve("services");
        try {
            return write(info.withPorts(ServicePorts.open(dir, info.workspaceId(), info.serviceName(), network,
                    sandboxDir, ports)));
        } catch (IOException | RuntimeException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            terminate(agent, info);
            write(info.ended(ServiceState.FAILED.value(), null, "published_port_failed", context.clock().getAsDouble()));
            if (e instanceof PyroException p) {
                throw p;
            }
            throw PyroException.runtime("failed to start published port proxy for service '" + info.serviceName()
                    + "' in workspace '" + info.workspaceId() + "': " + e.getMessage(), e);
        }
    }

    public ServiceInfo.Listing list(String id) {
        WorkspaceRecord record = context.requireStarted(id, "service operations");
        AgentConnection agent = context.agent(record);
        List<ServiceInfo> services = new ArrayList<>();
        for (String name : names(id)) {
            services.add(refresh(agent, read(id, name)));
        }
        int running = (int) services.stream().filter(s -> ServiceState.RUNNING.is(s.state())).count();
        return new ServiceInfo.Listing(id, services.size(), running, services);
    }

    public ServiceInfo status(String id, String name) {
        WorkspaceRecord record = context.requireStarted(id, "service operations");
        return refresh(context.agent(record), require(id, name));
    }

    public ServiceInfo logs(String id, String name, Integer tailLines) {
        if (tailLines != null && tailLines <= 0) {
            throw PyroException.invalid("tail_lines must be positive");
        }
        WorkspaceRecord record = context.requireStarted(id, "service operations");
        AgentConnection agent = context.agent(record);
        ServiceInfo info = refresh(agent, require(id, name));
        List<String> secrets = WorkspaceSecrets.values(context.store().dir(WorkspaceId.of(id)), record.secretList());
        String[] out = tail(agent, GUEST_DIR + "/" + name + ".stdout", tailLines);
        String[] err = tail(agent, GUEST_DIR + "/" + name + ".stderr", tailLines);
        context.touch(id);
        return info.withLogs(WorkspaceSecrets.redact(out[0], secrets), WorkspaceSecrets.redact(err[0], secrets),
                tailLines, Boolean.parseBoolean(out[1]) || Boolean.parseBoolean(err[1]));
    }

    public ServiceInfo stop(String id, String name) {
        WorkspaceRecord record = context.requireStarted(id, "service operations");
        AgentConnection agent = context.agent(record);
        ServiceInfo info = refresh(agent, require(id, name));
        if (!ServiceState.RUNNING.is(info.state())) {
            return info;
        }
        String reason = terminate(agent, info);
        return write(info.ended(ServiceState.STOPPED.value(), null, reason, context.clock().getAsDouble()));
    }

    /** SIGTERM to the group, 5 s, then SIGKILL: the stop reason says which ended it. */
    private static String terminate(AgentConnection agent, ServiceInfo info) {
        try {
            AgentProcess process = agent.processes().attach(info.processId());
            process.signal("TERM");
            try {
                process.exit().get(5, java.util.concurrent.TimeUnit.SECONDS);
                return "sigterm";
            } catch (Exception timeout) {
                process.signal("KILL");
                try {
                    process.exit().get(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // reported as killed; the guest reaps it
                }
                return "sigkill";
            }
        } catch (AgentException gone) {
            return "sigterm";
        }
    }

    /** A running record whose process the agent no longer runs becomes exited, with its code when known. */
    private ServiceInfo refresh(AgentConnection agent, ServiceInfo info) {
        if (!ServiceState.RUNNING.is(info.state()) || info.processId() == null) {
            return info;
        }
        AgentProcess handle = handles.get(info.workspaceId() + "/" + info.serviceName());
        if (handle != null && handle.processId() == info.processId()) {
            if (!handle.exit().isDone()) {
                return info;
            }
            ExitStatus status = handle.exit().getNow(null);
            return write(info.ended(ServiceState.EXITED.value(), status == null ? null : status.shellCode(), null,
                    context.clock().getAsDouble()));
        }
        List<ProcessInfo> processes = agent.processes().listProcesses();
        ProcessInfo p = processes.stream().filter(x -> x.processId() == info.processId()).findFirst().orElse(null);
        if (p != null && p.running()) {
            return info;
        }
        Integer code = p == null ? null : p.exitCode();
        return write(info.ended(ServiceState.EXITED.value(), code, null, context.clock().getAsDouble()));
    }

    /**
     * The end of a log: at most its last {@code LOG_READ_LIMIT} bytes (from a line start), marked cut
     * when there was more. Before, a bigger log came back empty and not marked, as if the service had
     * printed nothing.
     */
    private static String[] tail(AgentConnection agent, String path, Integer lines) {
        byte[] data;
        boolean cut;
        try {
            long size = agent.files().stat(path, true, CALL).size();
            long offset = Math.max(0, size - LOG_READ_LIMIT);
            java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
            while (read.size() < LOG_READ_LIMIT) {
                var chunk = agent.files().read(path, offset + read.size(), LOG_READ_LIMIT - read.size(), false, CALL);
                read.writeBytes(chunk.data());
                if (chunk.eof() || chunk.data().length == 0) {
                    break;
                }
            }
            data = read.toByteArray();
            cut = offset > 0;
            if (cut) {
                int newline = indexOf(data, (byte) '\n');
                data = newline < 0 ? new byte[0] : Arrays.copyOfRange(data, newline + 1, data.length);
            }
        } catch (AgentException e) {
            return new String[] {"", "false"};
        }
        String text = new String(data, StandardCharsets.UTF_8);
        if (lines == null) {
            return new String[] {text, Boolean.toString(cut)};
        }
        List<String> all = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        if (!all.isEmpty() && all.get(all.size() - 1).isEmpty()) {
            all.remove(all.size() - 1);
        }
        if (all.size() <= lines) {
            return new String[] {text, Boolean.toString(cut)};
        }
        return new String[] {String.join("\n", all.subList(all.size() - lines, all.size())) + "\n", "true"};
    }

    private static int indexOf(byte[] data, byte b) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ records

    /**
     * {total, running} from a workspace's service records, for list and status (a stopped
     * workspace has none running). Read without the services' lock: an unreadable record counts
     * as not running.
     */
    public static int[] counts(Path workspaceDir) {
        Path dir = workspaceDir.resolve("services");
        if (!Files.isDirectory(dir)) {
            return new int[] {0, 0};
        }
        int total = 0;
        int running = 0;
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                total++;
                try {
                    if (ServiceState.RUNNING.is(Json.MAPPER.readTree(file.toFile()).path("state").asString())) {
                        running++;
                    }
                } catch (RuntimeException e) {
                    // an unreadable record counts as not running
                }
            }
        } catch (IOException e) {
            return new int[] {0, 0};
        }
        return new int[] {total, running};
    }

    private void forgetAll(String id) {
        handles.keySet().removeIf(key -> key.startsWith(id + "/"));
        ServicePorts.closeAll(context.store().dir(WorkspaceId.of(id)).resolve("services"), id);
        try {
            FileTrees.deleteRecursively(context.store().dir(WorkspaceId.of(id)).resolve("services"));
        } catch (IOException e) {
            // removed with the workspace dir at the latest
        }
    }

    /** Every service operation checks the name: it becomes {@code services/<name>.json} and a guest log path. */
    private static void checkName(String name) {
        dev.pyro.api.ids.ServiceName.of(name); // the one check (and text) of a service name
    }

    private Path file(String id, String name) {
        String checked = dev.pyro.api.ids.ServiceName.of(name).value(); // never a path from an unchecked name
        return context.store().dir(WorkspaceId.of(id)).resolve("services").resolve(checked + ".json");
    }

    /** Records a service; one that no longer runs loses its published ports here, whatever ended it. */
    private ServiceInfo write(ServiceInfo info) {
        if (!ServiceState.RUNNING.is(info.state())) {
            ServicePorts.close(context.store().dir(WorkspaceId.of(info.workspaceId())).resolve("services"), info.workspaceId(),
                    info.serviceName());
        }
        try {
            Path file = file(info.workspaceId(), info.serviceName());
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Json.writeFile(tmp, info);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return info;
        } catch (IOException | RuntimeException e) {
            throw PyroException.runtime("cannot record service " + info.serviceName() + ": " + e.getMessage(), e);
        }
    }

    /** A record as stored, redacted again: records written before redaction existed kept secrets raw. */
    private ServiceInfo read(String id, String name) {
        Path file = file(id, name);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        ServiceInfo info = Json.MAPPER.readValue(file.toFile(), ServiceInfo.class);
        WorkspaceId workspace = WorkspaceId.of(id);
        List<String> secrets = context.store().read(workspace)
                .map(r -> WorkspaceSecrets.values(context.store().dir(workspace), r.secretList())).orElse(List.of());
        return secrets.isEmpty() ? info : redacted(info, secrets);
    }

    private ServiceInfo require(String id, String name) {
        ServiceInfo info = read(id, name);
        if (info == null) {
            throw PyroException.invalid("service '" + name + "' does not exist in workspace '" + id + "'");
        }
        return info;
    }

    private List<String> names(String id) {
        Path dir = context.store().dir(WorkspaceId.of(id)).resolve("services");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        } catch (IOException e) {
            throw PyroException.runtime("cannot list services: " + e.getMessage(), e);
        }
    }
    /**
     * With every secret value in the command and the readiness probe replaced by {@code [REDACTED]},
     * as exec's command text is: records on disk and every payload carry only this form.
     */
    static ServiceInfo redacted(ServiceInfo s, List<String> secrets) {
        return new ServiceInfo(s.workspaceId(), s.serviceName(), s.state(), WorkspaceSecrets.redact(s.command(), secrets),
                s.cwd(), s.startedAt(), s.endedAt(), s.exitCode(), s.pid(), s.executionMode(),
                s.readiness() == null ? null : ReadinessProbes.redacted(s.readiness(), secrets), s.readyAt(),
                s.stopReason(), s.publishedPorts(), s.processId(), s.stdout(), s.stderr(), s.tailLines(), s.truncated());
    }
}
