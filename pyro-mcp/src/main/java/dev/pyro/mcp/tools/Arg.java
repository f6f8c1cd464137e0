package dev.pyro.mcp.tools;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One argument of a tool's input record: what its JSON schema says (the description a model reads,
 * required, the default, the allowed values) and how a call's value is checked. The field's JSON
 * name is the component's name in snake_case; its JSON type follows the Java type (String: string,
 * int/Integer: integer, boolean: boolean, Map: object of strings, List: list of strings).
 * {@link ToolInput} turns records of these into schemas and binds arguments to them.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
@interface Arg {

    /** The description a model reads. */
    String value();

    boolean required() default false;

    /** The default, as text ("" for none); also the value when the argument is left out. */
    String dflt() default "";

    /** The allowed values of a string (the schema's enum; the engine checks them). */
    String[] oneOf() default {};

    /** Shown only in the workspace-full profile (secrets, network policy, published ports). */
    boolean full() default false;

    /**
     * Required and checked as non-empty unless true: then the schema says required, but a missing
     * value is read as the empty string and left to the engine (as the tool always did).
     */
    boolean lenient() default false;

    /** The environment field: required, or the server's --environment as its default. */
    boolean environment() default false;

    /** A hand-written schema from {@link InputSchema#named} (objects, lists of objects); converted with Json. */
    String schema() default "";

    /** For a {@link #schema()} field: what the value must be, for the error when it cannot be converted. */
    String shape() default "";
}
