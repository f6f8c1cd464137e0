package dev.pyro.engine.workspace.service;

import dev.pyro.api.workspace.service.PublishedPort;
import dev.pyro.api.workspace.service.PublishedPortRequest;
import dev.pyro.api.PyroException;
import dev.pyro.engine.backend.vm.VmPortForwards;
import dev.pyro.engine.network.GuestNetwork;
import dev.pyro.engine.network.PortProxies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The published ports of a workspace's services: socat proxies (root's TAP networks) or QEMU host
 * forwards (rootless networks, {@link VmPortForwards}). Each is kept as one line next to the
 * service records ({@code services/<name>.ports}, not part of the public payload): a proxy's pid, or
 * {@code hostfwd PORT MONITOR} for a forward, so any engine, also after a restart, can stop them when
 * the service ends or the sandbox goes away.
 */
final class ServicePorts {

    private static final String HOSTFWD = "hostfwd";

    private ServicePorts() {
    }

    /** Starts one proxy per request; on any failure the ones already started are stopped again. */
    static List<PublishedPort> open(Path servicesDir, String workspaceId, String name, GuestNetwork network,
                                    Path sandboxDir, List<PublishedPortRequest> requests)
            throws IOException, InterruptedException {
        List<PublishedPort> ports = new ArrayList<>();
        Files.createDirectories(servicesDir);
        try {
            for (PublishedPortRequest request : requests) {
                if (network.userMode()) {
                    int port = request.hostPort() == null ? PortProxies.freePort()
                            : PortProxies.requireFree(request.hostPort());
                    Path monitor = VmPortForwards.monitor(sandboxDir);
                    try {
                        VmPortForwards.add(monitor, port, request.guestPort());
                    } catch (VmPortForwards.PortTakenException e) {
                        throw PortProxies.portTaken(port);
                    }
                    Files.writeString(pidFile(servicesDir, name), HOSTFWD + " " + port + " " + monitor + "\n",
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    ports.add(new PublishedPort(PortProxies.LOOPBACK, port, request.guestPort(), "tcp"));
                    continue;
                }
                PortProxies.Proxy proxy = PortProxies.start(marker(workspaceId, name),
                        request.hostPort() == null ? 0 : request.hostPort(), network.guestIp(), request.guestPort(),
                        servicesDir.resolve(name + ".ports.log"));
                Files.writeString(pidFile(servicesDir, name), proxy.pid() + "\n", StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                ports.add(new PublishedPort(PortProxies.LOOPBACK, proxy.hostPort(), request.guestPort(), "tcp"));
            }
            return List.copyOf(ports);
        } catch (IOException | RuntimeException | InterruptedException e) {
            close(servicesDir, workspaceId, name);
            throw e;
        }
    }

    /** Stops a service's proxies (if any) and forgets them. */
    static void close(Path servicesDir, String workspaceId, String name) {
        Path pids = pidFile(servicesDir, name);
        if (!Files.isRegularFile(pids)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(pids)) {
                if (line.startsWith(HOSTFWD + " ")) {
                    String[] f = line.split(" ", 3);
                    VmPortForwards.remove(Path.of(f[2]), Integer.parseInt(f[1]));
                } else if (!line.isBlank()) {
                    PortProxies.stop(Long.parseLong(line.trim()), marker(workspaceId, name));
                }
            }
            Files.deleteIfExists(pids);
            Files.deleteIfExists(servicesDir.resolve(name + ".ports.log"));
        } catch (IOException | NumberFormatException e) {
            throw PyroException.runtime("cannot stop the published ports of service '" + name + "': "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the proxies of every service of the workspace. */
    static void closeAll(Path servicesDir, String workspaceId) {
        if (!Files.isDirectory(servicesDir)) {
            return;
        }
        try (Stream<Path> files = Files.list(servicesDir)) {
            files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".ports"))
                    .map(n -> n.substring(0, n.length() - ".ports".length()))
                    .toList().forEach(name -> close(servicesDir, workspaceId, name));
        } catch (IOException e) {
            // nothing listed, nothing to stop
        }
    }

    private static Path pidFile(Path servicesDir, String name) {
        return servicesDir.resolve(name + ".ports");
    }

    private static String marker(String workspaceId, String name) {
        return "pyro-port-" + workspaceId + "-" + name;
    }
}
