package dev.pyro.cli.host;

/**
 * One host's state as {@code pyro host doctor} reports it.
 *
 * @param status {@code ok} (matches the canonical command), {@code drifted} (a pyro entry that
 *     differs), {@code missing} (no pyro entry) or {@code unavailable} (the host is not installed)
 */
public record HostCheck(String host, boolean installed, boolean configured, String status, String details,
        String repairCommand) {

    public static final String OK = "ok";
    public static final String DRIFTED = "drifted";
    public static final String MISSING = "missing";
    public static final String UNAVAILABLE = "unavailable";

    HostCheck withRepairCommand(String command) {
        return new HostCheck(host, installed, configured, status, details, command);
    }

    boolean ok() {
        return status.equals(OK);
    }
}
