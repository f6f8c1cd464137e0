package dev.pyro.engine.workspace.files;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the unpacked bytes a tar reader consumes and fails once they pass a moving limit: how an
 * archive bomb (a tiny gzip of gigabytes, a huge pax header) is stopped while streaming, before
 * its bytes pile up in memory or on disk.
 */
final class BudgetStream extends FilterInputStream {

    /** Thrown from {@code read} when the budget is spent; the reader turns it into the user's error. */
    static final class Exceeded extends IOException {
        Exceeded() {
            super("unpacked size budget exceeded", null);
        }
    }

    private long count;
    private long limit;
    private boolean exceeded;

    BudgetStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    long count() {
        return count;
    }

    /** Allows reading up to {@code limit} bytes in total from the start. */
    void limit(long limit) {
        this.limit = limit;
    }

    /** Whether a read was refused: the reader may have wrapped the exception since. */
    boolean exceeded() {
        return exceeded;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (count >= limit) {
            exceeded = true;
            throw new Exceeded();
        }
        int n = super.read(b, off, (int) Math.min(len, limit - count));
        if (n > 0) count += n;
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // skip through read, so skipped bytes are decompressed under the same budget
        byte[] buf = new byte[8192];
        long done = 0;
        while (done < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) break;
            done += r;
        }
        return done;
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
