package dev.pyro.api;

/**
 * The defaults every face shares (CLI flags, MCP tool inputs, SDK overloads) and the engine applies:
 * one place, so a face cannot drift from the engine. Sizing limits are in {@link dev.pyro.api.vm.VmLimits}.
 */
public final class Defaults {

    /** The environment used when none is named. */
    public static final String ENVIRONMENT = "debian:12";

    /**
     * The backend a request names when it names none: {@code auto}, the engine picks one. A request,
     * not a backend, so not a {@link dev.pyro.api.state.BackendName}.
     */
    public static final String BACKEND = "auto";

    /** Where the workspace lives in the guest. */
    public static final String WORKSPACE_PATH = "/workspace";

    /** A new shell's terminal size. */
    public static final int SHELL_COLS = 120;
    public static final int SHELL_ROWS = 30;
    /** How much of a shell's output one read returns. */
    public static final int SHELL_READ_MAX_CHARS = 65536;

    /** How long a service start waits for readiness, and how often it probes. */
    public static final int SERVICE_READY_TIMEOUT_SECONDS = 30;
    public static final int SERVICE_READY_INTERVAL_MS = 500;
    /** How many lines of each stream {@code service logs} shows. */
    public static final int SERVICE_TAIL_LINES = 200;

    /** How much of a live workspace file one read returns. */
    public static final int FILE_READ_MAX_BYTES = 65536;
    /** How much of a stopped workspace's disk file one read returns: the same as a live read. */
    public static final int DISK_READ_MAX_BYTES = FILE_READ_MAX_BYTES;

    private Defaults() {
    }
}
