package dev.pyro.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Writes frames. Thread-safe: each frame (and each split message) is written atomically and
 * flushed.
 */
public final class FrameWriter {
    private final OutputStream out;
    private final byte[] header = new byte[Protocol.HEADER_SIZE];

    public FrameWriter(OutputStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    /** Writes one frame; the payload must fit ({@link Protocol#MAX_PAYLOAD}). */
    public synchronized void write(int channel, FrameType type, byte[] payload, int off, int len) throws IOException {
        writeNoFlush(channel, type, payload, off, len);
        out.flush();
    }

    public void write(int channel, FrameType type, byte[] payload) throws IOException {
        write(channel, type, payload, 0, payload.length);
    }

    public void write(Frame frame) throws IOException {
        write(frame.channel(), frame.type(), frame.payload());
    }

    /**
     * Writes a JSON message of any size: MSG_PART frames then a final frame of {@code finalType}
     * (MSG or HELLO), with no other frame in between.
     */
    public synchronized void writeMessage(int channel, FrameType finalType, byte[] json) throws IOException {
        int off = 0;
        while (json.length - off > Protocol.MAX_PAYLOAD) {
            writeNoFlush(channel, FrameType.MSG_PART, json, off, Protocol.MAX_PAYLOAD);
            off += Protocol.MAX_PAYLOAD;
        }
        writeNoFlush(channel, finalType, json, off, json.length - off);
        out.flush();
    }

    /** Writes bytes of any length as consecutive frames of {@code type} (e.g. DATA). */
    public void writeChunked(int channel, FrameType type, byte[] data, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, data.length);
        do {
            int n = Math.min(len, Protocol.MAX_PAYLOAD);
            write(channel, type, data, off, n);
            off += n;
            len -= n;
        } while (len > 0);
    }

    /** Writes raw bytes that are not a frame (only for resynchronising a stream; see hello). */
    public synchronized void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    private void writeNoFlush(int channel, FrameType type, byte[] payload, int off, int len) throws IOException {
        Objects.requireNonNull(type, "type");
        Objects.checkFromIndexSize(off, len, payload.length);
        if (len > Protocol.MAX_PAYLOAD) {
            throw new IllegalArgumentException("frame payload of " + len + " bytes exceeds " + Protocol.MAX_PAYLOAD);
        }
        int n = len + 5;
        header[0] = (byte) (n >>> 24);
        header[1] = (byte) (n >>> 16);
        header[2] = (byte) (n >>> 8);
        header[3] = (byte) n;
        header[4] = (byte) (channel >>> 24);
        header[5] = (byte) (channel >>> 16);
        header[6] = (byte) (channel >>> 8);
        header[7] = (byte) channel;
        header[8] = (byte) type.code();
        out.write(header);
        out.write(payload, off, len);
    }
}
