package dev.pyro.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One frame. {@code channel} is an unsigned 32-bit value held in an int.
 *
 * @param channel the channel id (0 = control)
 * @param type the frame type
 * @param payload the payload, at most {@link Protocol#MAX_PAYLOAD} bytes (not copied)
 */
public record Frame(int channel, FrameType type, byte[] payload) {
    public Frame {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        if (payload.length > Protocol.MAX_PAYLOAD) {
            throw new IllegalArgumentException("frame payload of " + payload.length + " bytes exceeds "
                    + Protocol.MAX_PAYLOAD);
        }
    }

    /** The channel as an unsigned value. */
    public long channelUnsigned() {
        return Integer.toUnsignedLong(channel);
    }

    /** The payload as UTF-8 text. */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Frame[channel=" + channelUnsigned() + ", type=" + type + ", " + payload.length + " bytes]";
    }
}
