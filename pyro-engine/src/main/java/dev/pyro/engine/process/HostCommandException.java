package dev.pyro.engine.process;

import java.io.IOException;
import java.util.List;

/** A host program failed; the message carries its name, exit code and last output lines. */
public final class HostCommandException extends IOException {

    private final int exitCode;

    public HostCommandException(List<String> argv, int exitCode, List<String> tail) {
        super(argv.get(0) + " failed" + (exitCode >= 0 ? " (exit " + exitCode + ")" : "")
                + (tail.isEmpty() ? "" : ":\n  " + String.join("\n  ", tail)));
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
