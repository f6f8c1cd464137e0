package dev.pyro.cli.output;

import dev.pyro.api.Progress;
import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress on stderr: a bar per phase on a terminal, {@code [prefix] phase=... } lines otherwise
 * (logs and pipes keep one line per event).
 */
public final class CliProgress implements Progress, AutoCloseable {

    private final String prefix;
    private final PrintStream err;
    private final boolean terminal;
    private ProgressBar bar;
    private String phase;

    public CliProgress(String prefix, PrintStream err, boolean terminal) {
        this.prefix = prefix;
        this.err = err;
        this.terminal = terminal;
    }

    public static CliProgress forStderr(String prefix) {
        return new CliProgress(prefix, System.err, Terminal.stderrIsTerminal());
    }

    @Override
    public synchronized void phase(String phase, String detail) {
        closeBar();
        this.phase = phase;
        this.lastBucket = -1;
        err.println("[" + prefix + "] phase=" + phase + (detail == null || detail.isEmpty() ? "" : " " + detail));
        err.flush();
    }

    @Override
    public synchronized void step(long done, long total, String message) {
        if (terminal && total > 0) {
            if (bar == null) {
                bar = new ProgressBarBuilder().setTaskName(phase == null ? prefix : phase)
                        .setInitialMax(total).setStyle(ProgressBarStyle.ASCII).continuousUpdate()
                        .setConsumer(new ConsoleProgressBarConsumer(err)).build();
            }
            bar.maxHint(total);
            bar.stepTo(done);
            bar.setExtraMessage(" " + message);
        } else if (!terminal && worthALine(done, total)) {
            err.println("[" + prefix + "] phase=" + phase + " step=" + done + (total > 0 ? "/" + total : "")
                    + (message == null || message.isEmpty() ? "" : " " + message));
            err.flush();
        }
    }

    private long lastBucket = -1;

    /** Plain mode prints every step of short phases, and tenths of long ones (a kernel build). */
    private boolean worthALine(long done, long total) {
        if (total <= 0 || total <= 20) {
            return true;
        }
        long bucket = Math.min(10, done * 10 / total);
        if (bucket == lastBucket) {
            return false;
        }
        lastBucket = bucket;
        return true;
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    @Override
    public synchronized void close() {
        closeBar();
    }
}
