package dev.pyro.protocol;

import java.io.IOException;

/** The byte stream does not follow the frame format (bad length, unknown type, truncated frame). */
public class ProtocolException extends IOException {
    public ProtocolException(String message) {
        super(message);
    }
}
