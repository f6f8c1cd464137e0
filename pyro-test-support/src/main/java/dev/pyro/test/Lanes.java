package dev.pyro.test;

/**
 * The two test lanes. The full lane ({@code scripts/test}, what CI runs) runs every test. The fast
 * lane ({@code scripts/test --fast}, Maven profile {@code fast}) excludes the tags below and sets
 * the system property {@value #PROPERTY} to {@value #FAST}, so a fixture that would boot a sandbox
 * can tell an untagged test apart from a tagged one and fail it loudly instead of running it slowly
 * (or skipping it, which would lose it from both lanes' point of view).
 */
public final class Lanes {

    /** Tag of {@link SandboxTest}. */
    public static final String SANDBOX = "sandbox";
    /** Tag of {@link RootlessTest}. */
    public static final String ROOTLESS = "rootless";
    /** The system property the fast lane sets. */
    public static final String PROPERTY = "pyro.test.lane";
    public static final String FAST = "fast";

    private Lanes() {
    }

    public static boolean fast() {
        return FAST.equals(System.getProperty(PROPERTY));
    }

    /**
     * Called by the fixtures that boot sandboxes or touch the shared kernel and environments: in the
     * fast lane that is a mistake of tagging, so it fails with the fix.
     */
    public static void requireSandboxLane(String what) {
        if (fast()) {
            throw new IllegalStateException(what + " needs a real sandbox or the shared Pyro cache, but runs in"
                    + " the fast lane: annotate the test class (or method) with @dev.pyro.test.SandboxTest");
        }
    }
}
