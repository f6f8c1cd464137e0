package dev.pyro.api;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.std.StdSerializer;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The one JSON mapping of Pyro: records become snake_case objects, as in the spec's payloads. */
public final class Json {

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(new SimpleModule("pyro-plain-doubles").addSerializer(Double.class, new PlainDouble())
                    .addSerializer(double.class, new PlainDouble()))
            .build();

    public static final ObjectMapper PRETTY = MAPPER.rebuild()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private Json() {
    }

    /**
     * Writes {@code value} as indented JSON to {@code file}. Serialized first, so a failing disk
     * surfaces as the plain I/O error ({@code No space left on device}), not a serializer's wrapper.
     */
    public static void writeFile(java.nio.file.Path file, Object value) throws java.io.IOException {
        java.nio.file.Files.write(file, PRETTY.writeValueAsBytes(value));
    }

    /** Epoch seconds as {@code 1795460735.088}, not {@code 1.795460735088E9}: easier to read and to compare. */
    private static final class PlainDouble extends StdSerializer<Double> {
        PlainDouble() {
            super(Double.class);
        }

        @Override
        public void serialize(Double value, JsonGenerator gen, SerializationContext context) {
            if (value.isNaN() || value.isInfinite()) {
                gen.writeNumber(value);
            } else {
                gen.writeNumber(java.math.BigDecimal.valueOf(value).toPlainString());
            }
        }
    }
}
