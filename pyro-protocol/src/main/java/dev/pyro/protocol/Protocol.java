package dev.pyro.protocol;

/**
 * Constants of the Pyro guest agent protocol (docs/protocol.md).
 *
 * <p>A frame is {@code u32 length | u32 channel | u8 type | payload}, big-endian, where
 * {@code length} counts the channel, type and payload bytes (5 to 5 + {@link #MAX_PAYLOAD}).
 */
public final class Protocol {
    /** The protocol version this client speaks (sent in hello). */
    public static final int VERSION = 1;
    /** Largest payload of one frame. */
    public static final int MAX_PAYLOAD = 65536;
    /** Bytes of the length prefix. */
    public static final int LENGTH_SIZE = 4;
    /** Length prefix plus channel plus type. */
    public static final int HEADER_SIZE = 9;
    /** Smallest legal value of the length field (channel + type, empty payload). */
    public static final int MIN_FRAME_LENGTH = 5;
    /** Largest legal value of the length field. */
    public static final int MAX_FRAME_LENGTH = 5 + MAX_PAYLOAD;
    /**
     * Host-to-agent only: a zero length field is padding (4 bytes the agent skips). A host that
     * may have left an agent mid-frame sends this many zero bytes before hello: they complete any
     * stale partial frame, and are skipped as padding otherwise.
     */
    public static final int RESYNC_PADDING = (LENGTH_SIZE + MAX_FRAME_LENGTH + 3) / 4 * 4;
    /** Largest JSON message the agent accepts (split over MSG_PART frames). */
    public static final int AGENT_MAX_MESSAGE = 1 << 20;
    /** Default largest JSON message this client accepts from the agent. */
    public static final int DEFAULT_MAX_MESSAGE = 64 << 20;
    /** Largest single read the agent serves; bigger requests are clamped (see {@code eof}). */
    public static final int AGENT_MAX_READ_BYTES = 8 << 20;
    /** Channel of hello and connection-level events. */
    public static final int CONTROL_CHANNEL = 0;
    /** Env var names the agent accepts. */
    public static final String ENV_NAME_PATTERN = "^[A-Za-z_][A-Za-z0-9_]{0,63}$";
    /** The default virtio-serial port path in the guest. */
    public static final String DEFAULT_SERIAL_PORT = "/dev/virtio-ports/pyro.agent";
    /** The virtio-serial port name QEMU must give the agent's port. */
    public static final String SERIAL_PORT_NAME = "pyro.agent";

    private Protocol() {}
}
