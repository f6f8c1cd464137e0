package dev.pyro.protocol;

/**
 * A failed agent call. {@link #getMessage()} is a one-line, user-presentable text, e.g.
 * {@code stat '/workspace/x': No such file or directory}. {@link #code()} is the agent's error
 * code: an errno name ({@code ENOENT}, {@code EACCES}, ...) or a protocol code
 * ({@code bad_request}, {@code invalid_env}, {@code no_such_process}, {@code unknown_op}, ...), or
 * a local one ({@code timeout}, {@code connection_closed}, {@code protocol_error}).
 */
public class AgentException extends RuntimeException {
    private final String code;
    private final Integer errno;

    public AgentException(String code, Integer errno, String message) {
        super(message, null, false, false);
        this.code = code == null ? "error" : code;
        this.errno = errno;
    }

    public AgentException(String code, String message, Throwable cause) {
        super(message, cause, false, false);
        this.code = code == null ? "error" : code;
        this.errno = null;
    }

    public String code() {
        return code;
    }

    /** The errno number for errno-based errors, else null. */
    public Integer errno() {
        return errno;
    }

    /** True for the agent's "no such file or directory" error. */
    public boolean isNotFound() {
        return "ENOENT".equals(code);
    }

    @Override
    public String toString() {
        return "AgentException[" + code + "]: " + getMessage();
    }
}
