package dev.pyro.engine.environment;

import java.util.List;

/** What {@code env prune} deleted: directory names under the platform dir, sorted. */
public record PruneResult(List<String> deletedEnvironmentDirs, int count) {
}
