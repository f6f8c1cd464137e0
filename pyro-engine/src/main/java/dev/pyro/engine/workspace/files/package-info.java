/**
 * The host-side safety layer for files crossing into and out of {@code /workspace}. The guest agent
 * only does primitives ({@code stat}, {@code list}, {@code read}, {@code write_tree}); every rule
 * lives here.
 *
 * <p><b>Paths.</b> {@link dev.pyro.engine.workspace.files.WorkspacePath} normalises user paths
 * (spec §8.1); {@link dev.pyro.engine.workspace.files.SymlinkCheck} checks them against the live
 * guest through {@link dev.pyro.engine.workspace.files.GuestFs}.
 *
 * <p><b>Import</b> (seed at create, {@code sync push}):
 * {@link dev.pyro.engine.workspace.files.ImportSources#open} gives a directory or tar source
 * (plain, gzip or zstd, told by content); {@code inspect()} validates every entry against spec §8.2
 * and {@link dev.pyro.engine.workspace.files.TransferLimits} without writing anything;
 * {@link dev.pyro.engine.workspace.files.TreeImport} checks the guest's existing tree, then streams
 * the plan into {@code write_tree}, re-checking each entry against the plan as it goes.
 * {@link dev.pyro.engine.workspace.files.PlanArchive} writes a plan as the baseline tar.
 *
 * <p><b>Export</b>: {@link dev.pyro.engine.workspace.files.WorkspaceExport} copies a guest file,
 * symlink or tree to a host path, staged beside it and moved into place only when complete.
 */
package dev.pyro.engine.workspace.files;
