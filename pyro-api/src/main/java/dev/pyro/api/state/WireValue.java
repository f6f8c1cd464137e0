package dev.pyro.api.state;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Optional;

/**
 * An enum whose JSON and on-disk form is a fixed string: the spec's lowercase names, the same
 * strings the records held before these enums existed. Jackson writes and reads the constant by
 * {@link #value()}.
 */
public interface WireValue {

    /** The wire and on-disk string. */
    @JsonValue
    String value();

    /** Whether {@code text} is this constant's string (null never is). */
    default boolean is(String text) {
        return value().equals(text);
    }

    /** The constant of {@code type} whose string is {@code text}, if any. */
    static <E extends Enum<E> & WireValue> Optional<E> find(Class<E> type, String text) {
        for (E constant : type.getEnumConstants()) {
            if (constant.value().equals(text)) {
                return Optional.of(constant);
            }
        }
        return Optional.empty();
    }
}
