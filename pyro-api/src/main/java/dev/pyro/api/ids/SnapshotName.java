package dev.pyro.api.ids;

import dev.pyro.api.PyroException;

/**
 * A checked snapshot name (spec §14): it becomes {@code snapshots/<name>.tar}, so nothing but
 * letters, digits, '.', '_' and '-' (at most 64, starting with a letter or digit) gets through.
 * {@code baseline} names the implicit snapshot; {@link #forCreate} refuses it.
 */
public record SnapshotName(String value) {

    public static final String FIELD = "snapshot_name";
    public static final String BASELINE = "baseline";

    public SnapshotName {
        if (value == null || !Identifiers.isName(value)) {
            throw PyroException.invalid("snapshot_name is invalid; use letters, digits, '.', '_' or '-' "
                    + "(at most 64, starting with a letter or digit)");
        }
    }

    public static SnapshotName of(String raw) {
        return new SnapshotName(raw);
    }

    /** A name a new snapshot may take: any valid name but {@code baseline}. */
    public static SnapshotName forCreate(String raw) {
        SnapshotName name = of(raw);
        if (name.isBaseline()) {
            throw PyroException.invalid("snapshot_name 'baseline' is reserved");
        }
        return name;
    }

    public boolean isBaseline() {
        return BASELINE.equals(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
