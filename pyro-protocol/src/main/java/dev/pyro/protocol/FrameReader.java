package dev.pyro.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Reads frames from a byte stream, validating the length and type of each. Not thread-safe: one
 * reader thread per stream.
 */
public final class FrameReader {
    private final InputStream in;
    private final byte[] buf = new byte[2 * (Protocol.LENGTH_SIZE + Protocol.MAX_FRAME_LENGTH)];
    private int start;
    private int end;
    private long discarded;

    public FrameReader(InputStream in) {
        this.in = Objects.requireNonNull(in, "in");
    }

    /**
     * Reads the next frame.
     *
     * @return the frame, or null at a clean end of stream (between frames)
     * @throws ProtocolException on an out-of-range length, an unknown type, or a stream that ends
     *     inside a frame
     */
    public Frame read() throws IOException {
        if (!fill(Protocol.LENGTH_SIZE)) {
            if (end == start) return null;
            throw new ProtocolException("stream ended inside a frame header (" + (end - start) + " bytes)");
        }
        int len = be32(buf, start);
        if (!lengthOk(len)) {
            throw new ProtocolException("frame length " + Integer.toUnsignedString(len) + " out of range ["
                    + Protocol.MIN_FRAME_LENGTH + ", " + Protocol.MAX_FRAME_LENGTH + "]");
        }
        if (!fill(Protocol.HEADER_SIZE)) {
            throw new ProtocolException("stream ended inside a frame header (" + (end - start) + " bytes)");
        }
        int code = buf[start + 8] & 0xff;
        FrameType type = FrameType.fromCode(code);
        if (type == null) throw new ProtocolException("unknown frame type " + code);
        int total = Protocol.LENGTH_SIZE + len;
        if (!fill(total)) {
            throw new ProtocolException("stream ended inside a frame: got " + (end - start - Protocol.HEADER_SIZE)
                    + " of " + (len - 5) + " payload bytes");
        }
        Frame f = new Frame(be32(buf, start + 4), type,
                Arrays.copyOfRange(buf, start + Protocol.HEADER_SIZE, start + total));
        start += total;
        return f;
    }

    /**
     * Skips bytes until a HELLO frame on channel 0 that {@code accept} takes, and returns it. Used
     * at connect on streams that may hold stale bytes (a virtio-serial port a previous host left
     * mid-frame). Frames and garbage before it are discarded (see {@link #discardedBytes()}).
     *
     * @throws EOFException if the stream ends first
     */
    public Frame syncToHello(Predicate<Frame> accept) throws IOException {
        for (;;) {
            if (!fill(Protocol.HEADER_SIZE)) throw new EOFException("stream ended before the hello response");
            int i = start;
            boolean found = false;
            for (; i + Protocol.HEADER_SIZE <= end; i++) {
                int len = be32(buf, i);
                if (lengthOk(len) && be32(buf, i + 4) == 0 && (buf[i + 8] & 0xff) == FrameType.HELLO.code()) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                int keep = Protocol.HEADER_SIZE - 1;
                int drop = Math.max(0, end - start - keep);
                discarded += drop;
                start += drop;
                if (!fillMore()) throw new EOFException("stream ended before the hello response");
                continue;
            }
            discarded += i - start;
            start = i;
            int total = Protocol.LENGTH_SIZE + be32(buf, start);
            if (!fill(total)) throw new EOFException("stream ended inside the hello response");
            Frame f = new Frame(0, FrameType.HELLO,
                    Arrays.copyOfRange(buf, start + Protocol.HEADER_SIZE, start + total));
            if (accept.test(f)) {
                start += total;
                return f;
            }
            start += 1;
            discarded += 1;
        }
    }

    /** Bytes skipped by {@link #syncToHello}. */
    public long discardedBytes() {
        return discarded;
    }

    private static boolean lengthOk(int len) {
        return len >= Protocol.MIN_FRAME_LENGTH && len <= Protocol.MAX_FRAME_LENGTH;
    }

    static int be32(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    /** Ensures at least n buffered bytes; false if the stream ends first. */
    private boolean fill(int n) throws IOException {
        while (end - start < n) {
            if (!fillMore()) return false;
        }
        return true;
    }

    private boolean fillMore() throws IOException {
        if (end == buf.length) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        int r = in.read(buf, end, buf.length - end);
        if (r < 0) return false;
        end += r;
        return true;
    }
}
