package dev.pyro.api.environment;

import java.util.List;

/**
 * What {@code env prune} deleted: install dirs under the platform dir, sorted, and their count (the
 * spec's payload), then the warm templates of environments that are no longer installed, as
 * {@code <environment dir>/<template dir>}.
 */
public record PruneResult(List<String> deletedEnvironmentDirs, int count, List<String> deletedTemplateDirs) {

    /** Install dirs deleted, no templates (yet). */
    public static PruneResult ofEnvironmentDirs(List<String> environmentDirs) {
        return new PruneResult(List.copyOf(environmentDirs), environmentDirs.size(), List.of());
    }

    public PruneResult withDeletedTemplateDirs(List<String> templateDirs) {
        return new PruneResult(deletedEnvironmentDirs, count, List.copyOf(templateDirs));
    }
}
