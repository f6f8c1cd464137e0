package dev.pyro.sdk;

import dev.pyro.engine.environment.EnvironmentCatalog;

/**
 * The catalog of environments Pyro can build, by name: what a face (CLI, MCP server) checks a name
 * against before it starts anything. Installed state and sizes come from {@link Pyro#listEnvironments()}.
 */
public final class Environments {

    /** The catalog's version, as {@code pyro env list} reports it. */
    public static final String CATALOG_VERSION = EnvironmentCatalog.CATALOG_VERSION;

    private Environments() {
    }

    /**
     * Refuses a name that is not in the catalog with an error listing the known ones ("unknown
     * environment 'x'; known environments: ..."); nothing is written either way.
     */
    public static void requireKnown(String name) {
        EnvironmentCatalog.get(name);
    }
}
