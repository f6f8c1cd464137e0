package dev.pyro.cli.smoke;

import dev.pyro.engine.cache.FileTrees;
import dev.pyro.test.Lanes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A smoke's work dir and {@link SmokeContext} as a JUnit extension: per test when registered on an
 * instance field, per class on a static one. Afterwards the context is closed (its workspaces
 * deleted, its engine stopped) and the work dir removed.
 *
 * <pre>{@code @RegisterExtension final SmokeWork smoke = new SmokeWork("pyro-daily-loop-");}</pre>
 */
public final class SmokeWork implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final String prefix;
    private boolean perClass;
    /** The work dir; the context's state dir is {@code work/state}. */
    public Path work;
    public SmokeContext ctx;

    public SmokeWork(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        perClass = true;
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (!perClass) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (!perClass) {
            stop();
        }
    }

    private void start() throws Exception {
        Lanes.requireSandboxLane("a smoke context");
        work = Files.createTempDirectory(prefix);
        ctx = new SmokeContext(work);
    }

    private void stop() throws Exception {
        try {
            if (ctx != null) {
                ctx.close();
            }
        } finally {
            if (work != null) {
                FileTrees.deleteRecursively(work);
            }
            ctx = null;
            work = null;
        }
    }
}
