package dev.pyro.protocol;

/** The agent did not answer within the call's timeout. The connection stays usable. */
public class AgentTimeoutException extends AgentException {
    public AgentTimeoutException(String message) {
        super("timeout", null, message);
    }
}
