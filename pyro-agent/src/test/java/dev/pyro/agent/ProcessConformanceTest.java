package dev.pyro.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.protocol.AgentConnection;
import dev.pyro.protocol.AgentException;
import dev.pyro.protocol.AgentProcess;
import dev.pyro.protocol.ExitStatus;
import dev.pyro.protocol.ProcessInfo;
import dev.pyro.protocol.SpawnRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** spawn, exit, env, stdin, signals, output limits and multiplexing against the real agent. */
class ProcessConformanceTest {
    @TempDir
    static Path tmp;

    @RealAgent
    static AgentHarness agent;
    @RealAgent
    static AgentConnection conn;

    @Test
    void helloReportsVersionAndLimits() {
        assertThat(conn.hello().protocol()).isEqualTo(1);
        assertThat(conn.hello().agentVersion()).startsWith("0.1.0");
        assertThat(conn.hello().transport()).isEqualTo("listen");
        assertThat(conn.hello().underInit()).isFalse();
        assertThat(conn.hello().maxPayload()).isEqualTo(65536);
        assertThat(conn.hello().pid()).isEqualTo(agent.process.pid());
        assertThat(conn.hello().instance()).hasSize(16);
        assertThat(conn.hello().features()).contains("spawn", "pty", "output_limit", "write_tree");
    }

    @Test
    void argvCwdAndEnvReachTheProcess() {
        Proc.Result r = Proc.run(conn, SpawnRequest.of("sh", "-c", "printf '%s|%s|%s|%s' \"$0\" \"$1\" \"$PWD\" \"$GREETING\"",
                        "arg zero", "arg 'one'")
                .withCwd(tmp.toString()).withEnv(Map.of("GREETING", "héllo wörld")));
        assertThat(r.out()).isEqualTo("arg zero|arg 'one'|" + tmp + "|héllo wörld");
        assertThat(r.exit().exitCode()).isZero();
        assertThat(r.exit().stdoutBytes()).isEqualTo(r.out().getBytes(StandardCharsets.UTF_8).length);
        assertThat(r.exit().signal()).isNull();
    }

    @Test
    void exitCodeAndSeparateStreams() {
        Proc.Result r = Proc.sh(conn, "echo out; echo err >&2; exit 42");
        assertThat(r.exit().exitCode()).isEqualTo(42);
        assertThat(r.out()).isEqualTo("out\n");
        assertThat(r.err()).isEqualTo("err\n");
        assertThat(r.exit().stdoutBytes()).isEqualTo(4);
        assertThat(r.exit().stderrBytes()).isEqualTo(4);
        assertThat(r.exit().truncated()).isFalse();
    }

    @Test
    void clearEnvAndUnsetVariables() {
        Proc.Result r = Proc.run(conn, SpawnRequest.of("/usr/bin/env").withClearEnv(true).withEnv(Map.of("ONLY", "1")));
        assertThat(r.out()).isEqualTo("ONLY=1\n");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", null);
        env.put("EXTRA", "x");
        Proc.Result u = Proc.run(conn, SpawnRequest.of("sh", "-c", "echo ${HOME-unset} $EXTRA").withEnv(env));
        assertThat(u.out()).isEqualTo("unset x\n");
    }

    @Test
    void invalidEnvNamesAreRejected() {
        for (String bad : List.of("1BAD", "BAD-NAME", "", "A".repeat(65), "ÄÖ", "A B", "A=B")) {
            assertThatThrownBy(() -> conn.processes().spawn(SpawnRequest.of("true").withEnv(Map.of(bad, "v"))))
                    .as("env name %s", bad)
                    .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo("invalid_env"))
                    .hasMessageContaining("env name is invalid");
        }
        String longest = "_" + "a".repeat(63);
        assertThat(Proc.run(conn, SpawnRequest.of("sh", "-c", "echo $" + longest).withEnv(Map.of(longest, "ok"))).out())
                .isEqualTo("ok\n");
    }

    @Test
    void missingCommandOrDirectoryFailClearly() {
        assertThatThrownBy(() -> conn.processes().spawn(SpawnRequest.of("no-such-command-xyz")))
                .isInstanceOfSatisfying(AgentException.class, e -> {
                    assertThat(e.code()).isEqualTo("ENOENT");
                    assertThat(e.errno()).isEqualTo(2);
                })
                .hasMessage("cannot execute 'no-such-command-xyz': No such file or directory");
        assertThatThrownBy(() -> conn.processes().spawn(SpawnRequest.of("true").withCwd("/no/such/dir")))
                .hasMessage("cannot change directory to '/no/such/dir': No such file or directory");
        assertThatThrownBy(() -> conn.processes().spawn(SpawnRequest.of("true").withCwd("relative")))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo("bad_request"))
                .hasMessage("field 'cwd' must be an absolute path");
        assertThatThrownBy(() -> conn.processes().spawn(SpawnRequest.of(tmp.toString())))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo("EACCES"));
    }

    @Test
    void stdinIsDeliveredAndClosed() throws Exception {
        byte[] data = new byte[300_000];
        new Random(1).nextBytes(data);
        AgentProcess p = conn.processes().spawn(SpawnRequest.of("cat").withStdin(true));
        p.writeStdin(data);
        p.closeStdin();
        byte[] echoed = p.stdout().readAllBytes();
        assertThat(p.waitFor(Duration.ofSeconds(10)).exitCode()).isZero();
        assertThat(echoed).isEqualTo(data);
        // without stdin the process reads /dev/null
        assertThat(Proc.run(conn, SpawnRequest.of("cat")).out()).isEmpty();
    }

    @Test
    void signalReachesTheWholeProcessGroup() throws Exception {
        AgentProcess p = conn.processes().spawn(SpawnRequest.of("sh", "-c", "sleep 30 & echo $!; wait"));
        long grandchild = Long.parseLong(new BufferedReader(new InputStreamReader(p.stdout(), StandardCharsets.UTF_8))
                .readLine().trim());
        assertThat(Proc.alive(grandchild)).isTrue();
        p.signal("TERM");
        ExitStatus st = p.waitFor(Duration.ofSeconds(5));
        assertThat(st.exitCode()).isNull();
        assertThat(st.signal()).isEqualTo(15);
        assertThat(st.signalName()).isEqualTo("TERM");
        assertThat(st.shellCode()).isEqualTo(143);
        Proc.await(() -> !Proc.exists(grandchild), Duration.ofSeconds(3), "the grandchild to die and be reaped");
    }

    @Test
    void signalsByNumberNameAndErrors() {
        AgentProcess p = conn.processes().spawn(SpawnRequest.of("sleep", "30"));
        assertThatThrownBy(() -> p.signal("BOGUS")).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.code()).isEqualTo("bad_request"));
        conn.processes().signal(p.processId(), "9", false);
        ExitStatus st = p.waitFor(Duration.ofSeconds(5));
        assertThat(st.signal()).isEqualTo(9);
        assertThat(st.signalName()).isEqualTo("KILL");
        assertThatThrownBy(() -> conn.processes().signal(987654, "TERM", true))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo("no_such_process"))
                .hasMessage("no process with id 987654");
    }

    @Test
    void outputLimitDiscardsTheRestAndReportsTruncated() throws Exception {
        AgentProcess p = conn.processes().spawn(SpawnRequest.of("sh", "-c", "head -c 4000000 /dev/zero; echo tail >&2")
                .withOutputLimit(100_000L));
        byte[] out = p.stdout().readAllBytes();
        ExitStatus st = p.waitFor(Duration.ofSeconds(10));
        assertThat(out).hasSize(100_000);
        assertThat(p.stderr().readAllBytes()).isEmpty();
        assertThat(st.truncated()).isTrue();
        assertThat(st.stdoutBytes()).isEqualTo(4_000_000);
        assertThat(st.stderrBytes()).isEqualTo(5);
        assertThat(st.exitCode()).isZero();
        Proc.Result under = Proc.run(conn, SpawnRequest.of("sh", "-c", "printf 12345").withOutputLimit(5L));
        assertThat(under.out()).isEqualTo("12345");
        assertThat(under.exit().truncated()).isFalse();
    }

    @Test
    void largeOutputArrivesIntactAndInOrder() {
        Proc.Result r = Proc.run(conn, SpawnRequest.of("seq", "1", "300000"));
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= 300000; i++) expected.append(i).append('\n');
        assertThat(r.out().length()).isEqualTo(expected.length());
        assertThat(r.out()).isEqualTo(expected.toString());
    }

    @Test
    void aLongProcessDoesNotBlockOtherChannels() throws Exception {
        Path f = tmp.resolve("during-long.txt");
        Files.writeString(f, "content");
        AgentProcess sleeper = conn.processes().spawn(SpawnRequest.of("sh", "-c", "sleep 3; echo late"));
        AgentProcess flooder = conn.processes().spawn(SpawnRequest.of("sh", "-c", "yes flood | head -c 20000000"));
        long t0 = System.nanoTime();
        assertThat(new String(conn.files().read(f.toString(), 0, 100).data(), StandardCharsets.UTF_8)).isEqualTo("content");
        assertThat(conn.files().stat(f.toString()).size()).isEqualTo(7);
        assertThat(Proc.sh(conn, "echo quick").out()).isEqualTo("quick\n");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).as("file ops and a short exec while a long exec and a flood run").isLessThan(1000);
        assertThat(sleeper.isAlive()).isTrue();
        assertThat(flooder.stdout().readAllBytes()).hasSize(20_000_000);
        sleeper.signal("KILL");
        assertThat(sleeper.waitFor(Duration.ofSeconds(5)).signal()).isEqualTo(9);
    }

    @Test
    void listProcessesShowsRunningOnes() {
        AgentProcess p = conn.processes().spawn(SpawnRequest.of("sleep", "30"));
        ProcessInfo info = conn.processes().listProcesses().stream().filter(i -> i.processId() == p.processId()).findFirst().orElseThrow();
        assertThat(info.running()).isTrue();
        assertThat(info.attached()).isTrue();
        assertThat(info.argv()).containsExactly("sleep", "30");
        assertThat(info.pid()).isEqualTo(p.pid());
        p.signal("KILL");
        p.waitFor(Duration.ofSeconds(5));
        assertThat(conn.processes().listProcesses()).noneMatch(i -> i.processId() == p.processId());
    }

    @Test
    void manyConcurrentSpawnsAndCallbacks() throws Exception {
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> outs = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                int k = i;
                outs.add(ex.submit(() -> {
                    Proc.Collector c = new Proc.Collector();
                    AgentProcess p = conn.processes().spawn(SpawnRequest.of("sh", "-c", "echo out-$0; echo err-$0 >&2", "" + k), c,
                            Duration.ofSeconds(10));
                    p.waitFor(Duration.ofSeconds(10));
                    return c.out() + c.err();
                }));
            }
            for (int i = 0; i < outs.size(); i++) assertThat(outs.get(i).get()).isEqualTo("out-" + i + "\nerr-" + i + "\n");
        }
    }

    @Test
    void backgroundChildrenDoNotHoldTheExit() {
        long t0 = System.nanoTime();
        Proc.Result r = Proc.sh(conn, "sleep 5 & echo started");
        assertThat(r.out()).isEqualTo("started\n");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2000);
    }
}
