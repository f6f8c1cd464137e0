package dev.pyro.protocol;

/** Frame types. The numbers are the wire values. */
public enum FrameType {
    /** JSON hello request/response; channel 0 only. */
    HELLO(1),
    /** A JSON object: request, response or event (or the final part of a split one). */
    MSG(2),
    /** A leading fragment of a JSON message larger than one frame; a MSG frame ends it. */
    MSG_PART(3),
    /** Raw bytes: stdin (host to agent) and file content (both ways). */
    DATA(4),
    /** Process standard output (agent to host); also all output of a PTY process. */
    STDOUT(5),
    /** Process standard error (agent to host). */
    STDERR(6),
    /** End of the host's data on a channel: closes the process's stdin. Empty payload. */
    EOF(7);

    private static final FrameType[] BY_CODE = new FrameType[8];

    static {
        for (FrameType t : values()) BY_CODE[t.code] = t;
    }

    private final int code;

    FrameType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type for a wire value, or null if unknown. */
    public static FrameType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
