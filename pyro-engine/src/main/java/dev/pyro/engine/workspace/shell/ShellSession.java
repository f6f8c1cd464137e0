package dev.pyro.engine.workspace.shell;

import dev.pyro.api.workspace.shell.ShellInfo;
import dev.pyro.protocol.AgentProcess;
import dev.pyro.protocol.ExitStatus;
import dev.pyro.protocol.ProcessOutput;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * One open shell: a PTY process in the guest and its output as an append-only character buffer
 * (cursors index it). Output is decoded incrementally so a UTF-8 character split across two
 * frames arrives whole.
 */
final class ShellSession implements ProcessOutput {

    private static final int MAX_BUFFER_CHARS = 8 * 1024 * 1024;

    private final StringBuilder buffer = new StringBuilder();
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    private ByteBuffer pending = ByteBuffer.allocate(0);
    private volatile long lastOutputNanos = System.nanoTime();
    private int dropped; // characters dropped from the front when the buffer is full
    volatile AgentProcess process;
    volatile ShellInfo info;

    ShellSession(ShellInfo info) {
        this.info = info;
    }

    @Override
    public void onStdout(byte[] data) {
        append(data);
    }

    @Override
    public void onStderr(byte[] data) {
        append(data); // a PTY has one stream; kept for completeness
    }

    private synchronized void append(byte[] data) {
        ByteBuffer in = ByteBuffer.allocate(pending.remaining() + data.length).put(pending).put(data).flip();
        CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
        decoder.decode(in, out, false);
        pending = in.slice();
        buffer.append(out.flip());
        if (buffer.length() > MAX_BUFFER_CHARS) {
            int cut = buffer.length() - MAX_BUFFER_CHARS;
            buffer.delete(0, cut);
            dropped += cut;
        }
        lastOutputNanos = System.nanoTime();
    }

    /** Characters {@code [cursor, cursor+max)} of everything ever output (older ones may be gone). */
    synchronized String slice(int cursor, int maxChars) {
        int start = Math.max(0, cursor - dropped);
        int end = Math.min(buffer.length(), start + maxChars);
        return start >= buffer.length() ? "" : buffer.substring(start, end);
    }

    synchronized int length() {
        return buffer.length() + dropped;
    }

    long quietNanos() {
        return System.nanoTime() - lastOutputNanos;
    }

    boolean running() {
        AgentProcess p = process;
        return p != null && !p.exit().isDone();
    }

    ExitStatus exitStatus() {
        AgentProcess p = process;
        return p == null || !p.exit().isDone() ? null : p.exit().getNow(null);
    }
}
