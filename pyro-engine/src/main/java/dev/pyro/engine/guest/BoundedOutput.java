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

    /** The kept text, with a marker saying how much was dropped when it was cut. */
    synchronized String text() {
        String text = kept.toString(StandardCharsets.UTF_8);
        if (!truncated()) {
            return text;
        }
        return text + (text.endsWith("\n") ? "" : "\n") + "[pyro: output truncated: kept " + limit + " of "
                + total + " bytes]\n";
    }
}
