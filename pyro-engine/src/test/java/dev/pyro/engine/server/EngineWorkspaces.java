package dev.pyro.engine.server;

import dev.pyro.api.engine.Operations;
import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.api.engine.WorkspaceCreateParams;
import dev.pyro.api.engine.WorkspaceExecParams;
import dev.pyro.api.engine.WorkspaceParams;
import dev.pyro.api.workspace.WorkspaceExecResult;
import dev.pyro.api.workspace.WorkspaceInfo;
import dev.pyro.api.workspace.WorkspaceRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Workspace calls through an engine (daemon or embedded), and the leftovers checks the fault tests share. */
final class EngineWorkspaces {

    private EngineWorkspaces() {
    }

    static WorkspaceRequest request(String backend, int memMib) {
        return WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT).withBackend(backend, false)
                .withSize(1, memMib, 1800);
    }

    static String create(EngineCalls engine, String backend, int memMib) {
        return engine.call(Operations.CREATE_WORKSPACE.name(), new WorkspaceCreateParams(request(backend, memMib)),
                WorkspaceInfo.class).workspaceId();
    }

    static WorkspaceExecResult exec(EngineCalls engine, String id, String command, int timeoutSeconds) {
        return engine.call(Operations.EXEC_WORKSPACE.name(), new WorkspaceExecParams(id, command, timeoutSeconds, null),
                WorkspaceExecResult.class);
    }

    static WorkspaceInfo status(EngineCalls engine, String id) {
        return engine.call(Operations.STATUS_WORKSPACE.name(), new WorkspaceParams(id), WorkspaceInfo.class);
    }

    static void deleteQuietly(EngineCalls engine, String id) {
        try {
            engine.call(Operations.DELETE_WORKSPACE.name(), new WorkspaceParams(id), Object.class);
        } catch (RuntimeException e) {
            // the fixture's clean-up removes what is left
        }
    }

    /** Host processes whose command line names {@code dir}, other than this JVM and engines of it. */
    static List<String> processesMentioning(Path dir) {
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses().filter(p -> p.pid() != self).map(p -> {
            List<String> args = EngineFixture.cmdline(p.pid());
            String line = String.join(" ", args);
            return line.contains(dir.toString()) && !args.contains(EngineMain.class.getName())
                    ? p.pid() + " " + line : null;
        }).filter(java.util.Objects::nonNull).toList();
    }

    /** Mount points under {@code dir} (from /proc/mounts). */
    static List<String> mountsUnder(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String target = line.split(" ")[1];
            if (target.startsWith(dir + "/")) {
                out.add(target);
            }
        }
        return out;
    }

    /** Half-written files the engine leaves only when it dies between a write and its rename. */
    static List<Path> tempFiles(Path state) throws IOException {
        Path workspaces = state.resolve("workspaces");
        if (!Files.isDirectory(workspaces)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(workspaces)) {
            return files.filter(f -> !f.toString().contains("/runtime/"))
                    .filter(f -> {
                        String name = f.getFileName().toString();
                        return name.contains(".tmp") || name.startsWith(".pyro-") || name.startsWith(".taking-");
                    }).toList();
        }
    }
}
