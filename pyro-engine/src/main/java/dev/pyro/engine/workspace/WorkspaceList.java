package dev.pyro.engine.workspace;

import java.util.List;
import java.util.Map;

/** {@code workspace list}: most recent activity first. */
public record WorkspaceList(int count, List<Item> workspaces) {

    public static final String UNREADABLE = "unreadable";

    public record Item(String workspaceId, String name, Map<String, String> labels, String environment, String state,
                       double createdAt, double lastActivityAt, double expiresAt, int commandCount, int serviceCount,
                       int runningServiceCount) {

        static Item of(WorkspaceRecord r, int[] services) {
            return new Item(r.workspaceId(), r.name(), r.labels(), r.environment(), r.state(), r.createdAt(),
                    r.lastActivityAt(), r.expiresAt(), r.commandCount(), services[0], services[1]);
        }

        /** A workspace whose record cannot be read: {@code state} says so; status names the file. */
        static Item unreadable(String id) {
            return new Item(id, null, Map.of(), "-", UNREADABLE, 0, 0, 0, 0, 0, 0);
        }
    }
}
