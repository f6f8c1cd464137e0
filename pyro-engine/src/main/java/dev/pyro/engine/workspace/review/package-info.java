/**
 * Review logic of workspaces, pure and I/O-free: the engine reads from the guest, calls in here,
 * and carries out the result.
 *
 * <ul>
 *   <li>{@link dev.pyro.engine.workspace.review.PatchPlanner} ({@code workspace patch apply}, spec
 *       §12.6): parses a unified diff, preflights every file against its current bytes and returns a
 *       {@link dev.pyro.engine.workspace.review.PatchPlan} only if all of it applies; nothing is
 *       written before that. The applier is strict: each hunk at exactly its header's line, context
 *       and removed lines equal byte for byte (newline included), no fuzz, no offset search.</li>
 *   <li>{@link dev.pyro.engine.workspace.review.BaselineDiff} ({@code workspace diff}, §12.2):
 *       classifies baseline against current tree and writes text patches that
 *       {@code PatchPlanner} (and {@code git apply}) apply back exactly.</li>
 * </ul>
 *
 * <p>java-diff-utils supplies the Myers line diff only. Its patch reader and applier are not used:
 * its reader drops a hunk whose header overcounts its body (the patch then "applies" as a no-op),
 * keeps {@code \ No newline at end of file} as one flag per file (a newline-only change becomes
 * nothing), and its {@code applyFuzzy} searches for offsets, which §12.6 rules out.
 */
package dev.pyro.engine.workspace.review;
