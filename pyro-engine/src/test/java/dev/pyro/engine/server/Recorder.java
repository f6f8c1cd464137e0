package dev.pyro.engine.server;

import dev.pyro.api.OutputListener;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.Progress;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Collects what a request streams back, with the time the first output arrived. */
final class Recorder implements Progress, OutputListener {

    final List<String> phases = new ArrayList<>();
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    volatile long firstStdoutNanos;
    volatile int stdoutChunks;

    @Override
    public synchronized void phase(String phase, String detail) {
        phases.add(phase + (detail == null ? "" : " " + detail));
    }

    @Override
    public void step(long done, long total, String message) {
    }

    @Override
    public synchronized void stdout(byte[] data) {
        if (firstStdoutNanos == 0) {
            firstStdoutNanos = System.nanoTime();
        }
        stdoutChunks++;
        stdout.writeBytes(data);
    }

    @Override
    public synchronized void stderr(byte[] data) {
        stderr.writeBytes(data);
    }

    synchronized String stdout() {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    synchronized String stderr() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    synchronized List<String> phaseNames() {
        return phases.stream().map(p -> p.split(" ")[0]).toList();
    }
}
