package dev.pyro.cli.host;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What {@code pyro host connect} or {@code repair} did to one host.
 *
 * @param action {@code added} (no pyro entry before), {@code updated} (a drifted entry replaced)
 *     or {@code unchanged} (already the canonical command: nothing written)
 * @param configPath the file the host reads its pyro entry from
 * @param backupPath the copy of that file from before the change, when pyro wrote it itself
 * @param verificationCommand the host's own command that shows the entry
 */
public record ConnectResult(String host, String action, boolean changed, List<String> serverCommand,
        String configPath, @JsonInclude(JsonInclude.Include.NON_NULL) String backupPath,
        List<String> verificationCommand) {

    public static final String ADDED = "added";
    public static final String UPDATED = "updated";
    public static final String UNCHANGED = "unchanged";
}
