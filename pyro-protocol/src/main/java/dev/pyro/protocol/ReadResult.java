package dev.pyro.protocol;

/**
 * Result of {@code read}.
 *
 * @param data the bytes read (at most max_bytes, and at most {@link Protocol#AGENT_MAX_READ_BYTES})
 * @param size the file size when it was opened
 * @param eof true if the read reached the end of the file
 */
public record ReadResult(byte[] data, long size, long offset, boolean eof, int mode, long mtimeNs) {}
