package dev.pyro.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test that boots a real sandbox (gVisor, QEMU or the host backend) or builds or reads the
 * shared kernel and environments in the Pyro cache. Such tests run in the full lane only
 * ({@code scripts/test}); the fast lane ({@code scripts/test --fast}) excludes the tag, and
 * {@link Lanes#requireSandboxLane} fails an untagged test that reaches for a sandbox there.
 * Inherited, so a backend's subclass ({@code ...OnVmTest}) is tagged with its parent.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Tag(Lanes.SANDBOX)
public @interface SandboxTest {
}
