package dev.pyro.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.protocol.AgentConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round-trip latency of small requests over the Unix socket (reported; loosely bounded). */
class LatencyTest {
    @TempDir
    Path tmp;

    @Test
    void smallRequestsRoundTripQuickly() throws Exception {
        try (AgentHarness agent = AgentHarness.start(tmp.resolve("agent"))) {
            AgentConnection c = agent.connect();
            String f = Files.writeString(tmp.resolve("f"), "x").toString();
            for (int i = 0; i < 5000; i++) c.files().stat(f);   // warm up the JIT
            long[] ns = new long[1000];
            for (int i = 0; i < ns.length; i++) {
                long t0 = System.nanoTime();
                c.files().stat(f);
                ns[i] = System.nanoTime() - t0;
            }
            Arrays.sort(ns);
            double mean = Arrays.stream(ns).average().orElseThrow() / 1000.0;
            double p50 = ns[499] / 1000.0;
            double p99 = ns[989] / 1000.0;
            System.err.printf("stat round trip over a Unix socket, 1000 sequential: mean %.1f us, p50 %.1f us, p99 %.1f us%n",
                    mean, p50, p99);

            int threads = 8;
            int per = 500;
            long t0 = System.nanoTime();
            try (ExecutorService ex = Executors.newFixedThreadPool(threads)) {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < threads; t++) fs.add(ex.submit(() -> {
                    for (int i = 0; i < per; i++) c.files().stat(f);
                }));
                for (Future<?> x : fs) x.get();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            System.err.printf("stat from %d threads: %.0f requests/s%n", threads, threads * per / secs);
            assertThat(p99).as("p99 in microseconds").isLessThan(20_000);
        }
    }
}
