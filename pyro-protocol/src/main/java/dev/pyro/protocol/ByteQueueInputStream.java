package dev.pyro.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;

/** An unbounded queue of chunks read as a stream; the producer calls append and finish. */
final class ByteQueueInputStream extends InputStream {
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private byte[] current;
    private int pos;
    private boolean finished;
    private boolean closed;
    private IOException failure;

    synchronized void append(byte[] data) {
        if (closed || finished || data.length == 0) return;
        chunks.add(data);
        notifyAll();
    }

    synchronized void finish() {
        finished = true;
        notifyAll();
    }

    synchronized void fail(IOException e) {
        if (!finished) failure = e;
        finished = true;
        notifyAll();
    }

    @Override
    public synchronized int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) return 0;
        while (true) {
            if (closed) throw new IOException("stream closed");
            if (current != null && pos < current.length) break;
            current = chunks.poll();
            pos = 0;
            if (current != null) continue;
            if (failure != null) throw failure;
            if (finished) return -1;
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted");
            }
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public synchronized int available() {
        int n = current == null ? 0 : current.length - pos;
        for (byte[] c : chunks) n += c.length;
        return n;
    }

    @Override
    public synchronized void close() {
        closed = true;
        chunks.clear();
        current = null;
        notifyAll();
    }
}
