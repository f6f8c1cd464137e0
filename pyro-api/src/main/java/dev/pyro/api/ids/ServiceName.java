package dev.pyro.api.ids;

import dev.pyro.api.PyroException;

/**
 * A checked service name (spec §14): it becomes {@code services/<name>.json} and a guest log path,
 * so it must match {@code ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$}.
 */
public record ServiceName(String value) {

    public static final String FIELD = "service_name";

    public ServiceName {
        if (value == null || value.isEmpty()) {
            throw PyroException.invalid("service_name must not be empty");
        }
        if (!Identifiers.isName(value)) {
            throw PyroException.invalid("service_name must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");
        }
    }

    public static ServiceName of(String raw) {
        return new ServiceName(raw);
    }

    @Override
    public String toString() {
        return value;
    }
}
