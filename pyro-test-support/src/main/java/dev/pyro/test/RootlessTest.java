package dev.pyro.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test that makes fresh ordinary accounts (useradd, so it runs only as root) which each
 * build their own environment: the slowest class of test. Excluded by {@code scripts/test
 * --no-rootless} and by the fast lane; the full lane (and CI) always runs it.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Tag(Lanes.ROOTLESS)
public @interface RootlessTest {
}
