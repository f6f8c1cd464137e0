package dev.pyro.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.engine.cache.FileTrees;
import dev.pyro.api.Json;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code pyro run} as users run it, against real sandboxes. */
class RunCommandTest {

    @TempDir(cleanup = CleanupMode.NEVER)
    Path tmp;

    CliProcess cli;

    @BeforeEach
    void setUp() {
        // shared environment cache (built once per machine), private state
        cli = new CliProcess().env("PYRO_STATE_DIR", tmp.resolve("state").toString());
    }

    @AfterEach
    void tearDown() throws Exception {
        EngineProcesses.stopEngine(tmp.resolve("state"));
        FileTrees.deleteRecursively(tmp);
    }

    @Test
    void passesOutputThroughAndExitsWithTheCommandsCode() throws Exception {
        CliProcess.Result result = cli.run("run", "debian:12", "--backend", "gvisor", "--",
                "sh", "-c", "echo out; echo err >&2; exit 3");
        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("out\n");
        List<String> err = result.stderr().lines().toList();
        assertThat(err).contains("[run] phase=create environment=debian:12", "err");
        assertThat(err).anyMatch(l -> l.matches("\\[run] phase=start vm_id=[0-9a-f]{12}"));
        assertThat(err).anyMatch(l -> l.matches("\\[run] phase=execute vm_id=[0-9a-f]{12}"));
        assertThat(err.get(err.size() - 1))
                .matches("\\[run] environment=debian:12 execution_mode=guest_gvisor exit_code=3 duration_ms=\\d+");
        assertNoVmsLeft();
    }

    @Test
    void jsonIsTheStructuredResultOnly() throws Exception {
        CliProcess.Result result = cli.run("run", "debian:12", "--backend", "gvisor", "--json", "--",
                "printf", "%s|", "a b", "c");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stderr()).isEmpty();
        JsonNode json = Json.MAPPER.readTree(result.stdout());
        assertThat(json.get("stdout").asString()).isEqualTo("a b|c|");
        assertThat(json.get("command").asString()).isEqualTo("printf '%s|' 'a b' c");
        assertThat(json.get("exit_code").asInt()).isZero();
        assertThat(json.get("execution_mode").asString()).isEqualTo("guest_gvisor");
        assertThat(json.get("backend").asString()).isEqualTo("gvisor");
        assertThat(json.get("environment").asString()).isEqualTo("debian:12");
        assertThat(json.get("duration_ms").asLong()).isNotNegative();
        JsonNode cleanup = json.get("cleanup");
        assertThat(cleanup.get("deleted").asBoolean()).isTrue();
        assertThat(cleanup.get("reason").asString()).isEqualTo("post_exec_cleanup");
        assertThat(cleanup.get("vm_id").asString()).isEqualTo(json.get("vm_id").asString());
        assertNoVmsLeft();
    }

    @Test
    void aTimeoutIsExit124() throws Exception {
        CliProcess.Result result = cli.run("run", "debian:12", "--backend", "gvisor", "--timeout-seconds", "1",
                "--", "sleep", "30");
        assertThat(result.exitCode()).isEqualTo(124);
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr()).contains("command timed out after 1s").contains("exit_code=124");
        assertNoVmsLeft();
    }

    @Test
    void invalidInputIsRejectedBeforeAnythingIsCreated() throws Exception {
        List<List<String>> cases = List.of(
                List.of("--vcpu-count", "9"), List.of("--mem-mib", "128"), List.of("--ttl-seconds", "30"),
                List.of("--timeout-seconds", "0"), List.of("--backend", "docker"));
        List<String> messages = List.of("vcpu_count must be between 1 and 8", "mem_mib must be between 256 and 32768",
                "ttl_seconds must be between 60 and 3600", "timeout_seconds must be positive",
                "backend must be one of: auto, vm, gvisor, host (got 'docker')");
        for (int i = 0; i < cases.size(); i++) {
            List<String> argv = Stream.concat(Stream.of("run", "debian:12"),
                    Stream.concat(cases.get(i).stream(), Stream.of("--", "true"))).toList();
            CliProcess.Result result = cli.run(argv.toArray(String[]::new));
            assertThat(result.exitCode()).as(argv.toString()).isEqualTo(2);
            assertThat(result.stderr()).as(argv.toString()).contains("error: " + messages.get(i))
                    .doesNotContain("Exception");
        }
        CliProcess.Result unknown = cli.run("run", "debian:99", "--", "true");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("error: unknown environment 'debian:99'; known environments: ");
        CliProcess.Result noCommand = cli.run("run", "debian:12");
        assertThat(noCommand.exitCode()).isEqualTo(2);
        assertThat(noCommand.stderr()).contains("COMMAND");
        assertNoVmsLeft();
    }

    @Test
    void theHostBackendNeedsTheOptInAndSaysSoInTheResult() throws Exception {
        CliProcess.Result refused = cli.run("run", "debian:12", "--backend", "host", "--", "true");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.stderr()).contains("without isolation").contains("--allow-host-compat");

        CliProcess.Result allowed = cli.run("run", "--allow-host-compat", "--backend", "host", "debian:12", "--json",
                "--", "echo", "$HOME");
        assertThat(allowed.exitCode()).as(allowed.stderr()).isZero();
        JsonNode json = Json.MAPPER.readTree(allowed.stdout());
        assertThat(json.get("execution_mode").asString()).isEqualTo("host_compat");
        assertThat(json.get("backend").asString()).isEqualTo("host");

        CliProcess.Result human = cli.run("run", "--allow-host-compat", "--backend", "host", "debian:12", "--", "true");
        assertThat(human.stderr()).contains("execution_mode=host_compat")
                .contains("[run] warning: ran on the host WITHOUT isolation");
        assertNoVmsLeft();
    }

    @Test
    void aMissingRuntimeNamesThePackageAndTheFix() throws Exception {
        // A PATH with the basic tools but no runsc.
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String tool : List.of("setsid", "mount", "umount", "sh", "bash", "id")) {
            for (String dir : List.of("/usr/bin", "/bin")) {
                Path real = Path.of(dir, tool);
                if (Files.exists(real) && !Files.exists(bin.resolve(tool))) {
                    Files.createSymbolicLink(bin.resolve(tool), real);
                }
            }
        }
        CliProcess.Result result = cli.env("PATH", bin.toString())
                .run("run", "debian:12", "--backend", "gvisor", "--", "true");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr()).contains("runsc is not installed (Debian package runsc); run: pyro doctor --fix");
        assertNoVmsLeft();
    }

    @Test
    void theVmBackendRunsAndNetworkGivesARouteOutButNotToTheHost() throws Exception {
        InetAddress host = hostAddress();
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(host, 0));
            String probe = "(grep -q '^eth0[[:space:]]00000000' /proc/net/route && echo routed || echo unrouted); "
                    + "timeout 3 bash -c 'exec 3<>/dev/tcp/" + host.getHostAddress() + "/" + server.getLocalPort()
                    + "' && echo reached || echo blocked";
            CliProcess.Result offline = cli.run("run", "debian:12", "--backend", "vm", "--json", "--", probe);
            assertThat(offline.exitCode()).as(offline.stderr()).isZero();
            JsonNode off = Json.MAPPER.readTree(offline.stdout());
            assertThat(off.get("execution_mode").asString()).isEqualTo("guest_vm");
            assertThat(off.get("stdout").asString()).isEqualTo("unrouted\nblocked\n");

            // auto picks vm for --network (gVisor sandboxes have no network yet); egress to a peer
            // outside the host is proven in the engine's GuestNetworkTest, the host stays off limits
            server.setSoTimeout(100);
            CliProcess.Result online = cli.run("run", "debian:12", "--network", "--json", "--", probe);
            assertThat(online.exitCode()).as(online.stderr()).isZero();
            JsonNode on = Json.MAPPER.readTree(online.stdout());
            assertThat(on.get("execution_mode").asString()).isEqualTo("guest_vm");
            assertThat(on.get("stdout").asString()).isEqualTo("routed\nblocked\n");
            assertThatThrownBy(server::accept).isInstanceOf(java.net.SocketTimeoutException.class);
        }
        assertNoVmsLeft();
    }

    private void assertNoVmsLeft() throws IOException {
        Path vms = tmp.resolve("state/vms");
        if (Files.isDirectory(vms)) {
            try (Stream<Path> left = Files.list(vms)) {
                assertThat(left.toList()).as("sandboxes left behind").isEmpty();
            }
        }
    }

    private static InetAddress hostAddress() throws IOException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address) {
                        return address;
                    }
                }
            }
        }
        throw new IllegalStateException("no non-loopback IPv4 address on this machine");
    }
}
