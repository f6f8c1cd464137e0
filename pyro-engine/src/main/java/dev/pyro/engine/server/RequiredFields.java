package dev.pyro.engine.server;

import dev.pyro.api.PyroException;

/**
 * The one check and text for a field an operation cannot do without. Handlers call it in the
 * order their fields are used, so the first missing one is the one named.
 */
final class RequiredFields {

    private RequiredFields() {
    }

    static <T> T required(T value, String name) {
        if (value == null) {
            throw PyroException.invalid("engine request is missing '" + name + "'");
        }
        return value;
    }
}
