package dev.pyro.protocol;

/** The connection to the agent is closed, broken, or spoke an invalid protocol. */
public class AgentConnectionException extends AgentException {
    public AgentConnectionException(String code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
