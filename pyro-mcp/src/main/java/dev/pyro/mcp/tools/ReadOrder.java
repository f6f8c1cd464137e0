package dev.pyro.mcp.tools;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The order in which a tool's arguments are checked (JSON names), when it is not the schema's
 * order: with several bad arguments the error names the first one found, and that stays as the
 * tool always reported it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface ReadOrder {
    String[] value();
}
