package dev.pyro.protocol;

/** Result of a successful {@code write_tree}: entries written and file bytes written. */
public record TreeResult(long entries, long bytes) {}
