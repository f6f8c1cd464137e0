package dev.pyro.protocol;

/** Result of {@code write}: bytes written and the file's size afterwards. */
public record WriteResult(long bytesWritten, long size) {}
