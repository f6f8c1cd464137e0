package dev.pyro.engine.workspace.disk;

import dev.pyro.api.PyroException;
import dev.pyro.api.state.BackendName;
import dev.pyro.engine.backend.HostMounts;
import dev.pyro.engine.backend.SandboxRecord;
import dev.pyro.engine.backend.gvisor.GvisorLayer;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.host.HostTools;
import dev.pyro.engine.process.HostCommand;
import dev.pyro.engine.process.HostCommandException;
import dev.pyro.engine.workspace.WorkspaceRecord;
import dev.pyro.protocol.ErrorText;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;

/**
 * A stopped workspace's root file system as one raw ext4 image, scrubbed of runtime-only paths: what
 * the disk tools read and export. It is derived, never the workspace's own disk, so the tools
 * cannot change the workspace. Built once per stop and kept in {@code <workspace>/disk/rootfs.ext4};
 * {@link #invalidate} drops it when the workspace runs again.
 *
 * <ul>
 *   <li>{@code vm}: the qcow2 overlay converted to a sparse raw image (~0.6 s for the 250 MB
 *       debian:12 root), then the guest's ext4 journal replayed into the copy: QEMU ends without
 *       unmounting, so recent metadata may still be only in the journal.
 *   <li>{@code gvisor}: the overlay's merged view (upper over the environment's root, mounted
 *       read-only with both as lower layers, so whiteouts count) packed by {@code mke2fs -d}
 *       (~2.7 s here). List and read then use the same debugfs code as {@code vm}.
 * </ul>
 */
final class DiskImage {

    static final String DIR = "disk";
    static final String FILE = "rootfs.ext4";
    private static final long MIN_IMAGE_BYTES = 4L << 30;

    private DiskImage() {
    }

    /** Drops the derived image: call before the workspace's sandbox runs again. */
    static void invalidate(Path workspaceDir) throws IOException {
        FileTrees.deleteRecursively(workspaceDir.resolve(DIR));
    }

    /** The scrubbed image of a stopped workspace, built if needed. The caller holds the workspace's lock. */
    static Path ensure(WorkspaceRecord record, Path workspaceDir) {
        Path image = workspaceDir.resolve(DIR).resolve(FILE);
        if (Files.isRegularFile(image)) {
            return image;
        }
        SandboxRecord sandbox = record.sandbox();
        if (sandbox == null) {
            throw PyroException.invalid("workspace '" + record.workspaceId() + "' does not have a persisted rootfs image");
        }
        Debugfs.program();
        Path staging = workspaceDir.resolve(DIR).resolve(".building-" + UUID.randomUUID().toString().substring(0, 8));
        try {
            Files.createDirectories(staging.getParent());
            if (BackendName.VM.is(sandbox.backend())) {
                fromQcow2(record, staging);
            } else if (BackendName.GVISOR.is(sandbox.backend())) {
                fromOverlay(record, staging);
            } else {
                throw PyroException.invalid("workspace '" + record.workspaceId()
                        + "' does not have a persisted rootfs image");
            }
            RuntimeScrub.scrub(staging);
            Files.move(staging, image, StandardCopyOption.ATOMIC_MOVE);
            return image;
        } catch (HostCommandException e) {
            throw PyroException.runtime("reading the disk of workspace '" + record.workspaceId() + "' failed: "
                    + ErrorText.of(e), e);
        } catch (IOException e) {
            throw PyroException.runtime("reading the disk of workspace '" + record.workspaceId() + "' failed: "
                    + ErrorText.of(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PyroException.runtime("interrupted while reading the disk of workspace " + record.workspaceId(), e);
        } finally {
            try {
                Files.deleteIfExists(staging);
            } catch (IOException ignored) {
                // a leftover .building-* file goes with the next invalidate
            }
        }
    }

    private static void fromQcow2(WorkspaceRecord record, Path staging) throws IOException, InterruptedException {
        Path qcow2 = Path.of(record.sandbox().metadata().getOrDefault("rootfs_image", ""));
        requireExists(record, qcow2);
        Path qemuImg = HostTools.which("qemu-img").orElseThrow(() -> PyroException.runtime(
                "qemu-img is required for workspace disk operations on vm workspaces (Debian package qemu-utils); "
                        + "run: pyro doctor --fix", null));
        HostCommand.of(qemuImg.toString(), "convert", "-q", "-O", "raw", qcow2.toString(), staging.toString()).run();
        Path e2fsck = HostTools.which("e2fsck").orElseThrow(() -> PyroException.runtime(
                "e2fsck is required for workspace disk operations (Debian package e2fsprogs); run: pyro doctor --fix",
                null));
        // 0: clean, 1: journal replayed; anything else means the copy is not readable as is.
        HostCommand.Result fsck = HostCommand.of(e2fsck.toString(), "-y", "-E", "journal_only", staging.toString())
                .runAllowingFailure();
        if (fsck.exitCode() > 1) {
            throw PyroException.runtime("the disk of workspace '" + record.workspaceId()
                    + "' could not be made consistent: " + String.join("\n", fsck.tail()), null);
        }
    }

    private static void fromOverlay(WorkspaceRecord record, Path staging) throws IOException, InterruptedException {
        SandboxRecord sandbox = record.sandbox();
        Path lower = Path.of(sandbox.metadata().getOrDefault("rootfs_lower", ""));
        requireExists(record, lower);
        Path upper = GvisorLayer.upperDir(sandbox);
        try {
            fromLayers(record, upper, lower, staging);
        } finally {
            GvisorLayer.unmount(sandbox);
        }
    }

    private static void fromLayers(WorkspaceRecord record, Path upper, Path lower, Path staging)
            throws IOException, InterruptedException {
        requireExists(record, upper);
        Path mke2fs = HostTools.which("mke2fs").orElseThrow(() -> PyroException.runtime(
                "mke2fs is required for workspace disk operations (Debian package e2fsprogs); run: pyro doctor --fix",
                null));
        // Outside the workspace dir: a mount left by a crash must never be walked by a recursive delete.
        Path merged = Files.createTempDirectory("pyro-disk-view-");
        try {
            HostCommand.of("mount", "-t", "overlay", "overlay", "-o", "ro,lowerdir=" + upper + ":" + lower,
                    merged.toString()).run();
            try {
                long[] usage = usage(merged);
                long bytes = Math.max(MIN_IMAGE_BYTES, usage[0] * 2);
                long inodes = Math.max(65536, usage[1] * 2);
                HostCommand.of(mke2fs.toString(), "-q", "-F", "-t", "ext4", "-N", Long.toString(inodes),
                        "-d", merged.toString(), staging.toString(), (bytes / 1024) + "k").run();
            } finally {
                HostCommand.of("umount", merged.toString()).runAllowingFailure();
            }
        } finally {
            if (!HostMounts.isMountPoint(merged)) {
                Files.deleteIfExists(merged);
            }
        }
    }

    /** {bytes in 4 KiB blocks, entries} of a tree, without following links. */
    private static long[] usage(Path root) throws IOException {
        long[] totals = {0, 0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                totals[0] += 4096;
                totals[1]++;
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                totals[0] += (attrs.size() + 4095) / 4096 * 4096;
                totals[1]++;
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                totals[1]++;
                return FileVisitResult.CONTINUE;
            }
        });
        return totals;
    }

    private static void requireExists(WorkspaceRecord record, Path path) {
        if (path.toString().isEmpty() || !Files.exists(path)) {
            throw PyroException.runtime("workspace '" + record.workspaceId() + "' rootfs image is unavailable at "
                    + path, null);
        }
    }
}
