package dev.pyro.engine.guest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Keeps the first {@code limit} bytes of a stream and counts the rest. */
final class BoundedOutput {

    private final int limit;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private long total;

    BoundedOutput(int limit) {
        this.limit = limit;
    }

    synchronized void append(byte[] data) {
        total += data.length;
        int room = limit - kept.size();
        if (room > 0) {
            kept.write(data, 0, Math.min(room, data.length));
        }
    }

    synchronized boolean truncated() {
        return total > limit;
    }

    /** Bytes that arrived here (the agent may have dropped more before sending). */
    synchronized long received() {
        return total;
    }

    /** The kept text, with a marker saying how much was dropped when it was cut. */
    synchronized String text() {
        return text(total);
    }

    /**
     * As {@link #text()}, with {@code produced}: what the process wrote in all, as the agent counted
     * it (it stops sending beyond its own limit, so what arrived here can be less).
     */
    synchronized String text(long produced) {
        long all = Math.max(total, produced);
        String text = kept.toString(StandardCharsets.UTF_8);
        if (all <= limit) {
            return text;
        }
        return text + (text.endsWith("\n") ? "" : "\n") + "[pyro: output truncated: kept " + limit + " of "
                + all + " bytes]\n";
    }
}
