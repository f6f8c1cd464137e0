package dev.pyro.api;

/**
 * An error meant for the user: its message says what is wrong and how to fix it. The CLI prints the
 * message (never a stack trace) and exits with {@link Kind#exitCode()}; MCP returns it as a tool error.
 */
public class PyroException extends RuntimeException {

    public enum Kind {
        /** The caller passed something invalid: an unknown name, a value out of range. */
        INVALID_INPUT(2),
        /** The host cannot do it right now: a missing package, a failed build, a guest that did not boot. */
        RUNTIME(1);

        private final int exitCode;

        Kind(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    private final Kind kind;

    public PyroException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public PyroException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public static PyroException invalid(String message) {
        return new PyroException(Kind.INVALID_INPUT, message);
    }

    public static PyroException runtime(String message, Throwable cause) {
        return new PyroException(Kind.RUNTIME, message, cause);
    }

    public Kind kind() {
        return kind;
    }
}
