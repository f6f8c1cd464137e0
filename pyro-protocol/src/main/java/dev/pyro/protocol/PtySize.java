package dev.pyro.protocol;

/** Terminal size of a PTY process. */
public record PtySize(int rows, int cols) {
    public PtySize {
        if (rows < 1 || rows > 65535 || cols < 1 || cols > 65535) {
            throw new IllegalArgumentException("pty rows and cols must be between 1 and 65535");
        }
    }
}
