package dev.pyro.api.workspace;

import java.util.List;
import java.util.Map;

/** {@code workspace list}: most recent activity first. */
public record WorkspaceList(int count, List<Item> workspaces) {

    public static final String UNREADABLE = "unreadable";

    public record Item(String workspaceId, String name, Map<String, String> labels, String environment, String state,
                       double createdAt, double lastActivityAt, double expiresAt, int commandCount, int serviceCount,
                       int runningServiceCount) {

        /** A workspace whose record cannot be read: {@code state} says so; status names the file. */
        public static Item unreadable(String id) {
            return new Item(id, null, Map.of(), "-", UNREADABLE, 0, 0, 0, 0, 0, 0);
        }
    }
}
