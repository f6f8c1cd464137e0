package dev.pyro.engine.workspace.review;

/** A planned whole-file write of UTF-8 {@code text} (the guest's write action takes text). */
public record FileWrite(String path, String text) {
}
