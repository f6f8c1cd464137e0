package dev.pyro.engine.workspace.disk;

import dev.pyro.api.PyroException;
import dev.pyro.protocol.ErrorText;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes the guest's runtime-only state from a raw ext4 image before anyone reads or exports it
 * (spec §12.4): secrets, shell and service state, the agent's own files. The guest keeps them on a
 * tmpfs, so normally nothing is there; this is the guarantee for when something did land on disk.
 * Removed files' blocks are zeroed first, because debugfs' {@code rm} only frees them and the bytes
 * would still be in an exported image.
 */
final class RuntimeScrub {

    /** Everything Pyro keeps at run time inside the guest's root. */
    static final List<String> RUNTIME_PATHS = List.of("/run/pyro-secrets", "/run/pyro-shells",
            "/run/pyro-services", "/run/pyro", "/run/pyro-host");

    private RuntimeScrub() {
    }

    static void scrub(Path image) {
        Debugfs debugfs = Debugfs.on(image);
        List<Found> doomed = new ArrayList<>();
        List<List<String>> stats = debugfs.batch(RUNTIME_PATHS.stream().map(p -> "stat " + Debugfs.quote(p)).toList());
        for (int i = 0; i < RUNTIME_PATHS.size(); i++) {
            DiskNode node = DiskNode.fromStat(stats.get(i));
            if (node != null) {
                collect(debugfs, RUNTIME_PATHS.get(i), node, doomed);
            }
        }
        if (doomed.isEmpty()) {
            return;
        }
        zeroBlocks(debugfs, image, doomed.stream().filter(f -> !f.node().isDirectory()).toList());
        // children before their directory: collect() adds a directory after everything below it
        debugfs.write(doomed.stream().map(f -> (f.node().isDirectory() ? "rmdir " : "rm ") + Debugfs.quote(f.path()))
                .toList());
        List<List<String>> after = debugfs.batch(RUNTIME_PATHS.stream().map(p -> "stat " + Debugfs.quote(p)).toList());
        for (int i = 0; i < RUNTIME_PATHS.size(); i++) {
            if (DiskNode.fromStat(after.get(i)) != null) {
                throw PyroException.runtime("could not remove " + RUNTIME_PATHS.get(i) + " from the workspace disk image "
                        + image + "; refusing to expose it", null);
            }
        }
    }

    private record Found(String path, DiskNode node) {
    }

    /** Depth first, each directory after its contents. */
    private static void collect(Debugfs debugfs, String path, DiskNode node, List<Found> out) {
        if (node.isDirectory()) {
            for (String line : debugfs.batch(List.of("ls -p " + Debugfs.inode(node.ino()))).getFirst()) {
                DiskNode.Child child = DiskNode.Child.parse(line, true);
                if (child != null) {
                    collect(debugfs, path + "/" + child.name(), child.node(), out);
                }
            }
        }
        out.add(new Found(path, node));
    }

    private static void zeroBlocks(Debugfs debugfs, Path image, List<Found> files) {
        if (files.isEmpty()) {
            return;
        }
        long blockSize = blockSize(debugfs);
        List<List<String>> blocks = debugfs.batch(files.stream().map(f -> "blocks " + Debugfs.inode(f.node().ino()))
                .toList());
        byte[] zeros = new byte[(int) blockSize];
        try (RandomAccessFile raw = new RandomAccessFile(image.toFile(), "rw")) {
            for (List<String> answer : blocks) {
                for (String line : answer) {
                    for (String number : line.trim().split("\\s+")) {
                        if (number.matches("\\d+")) {
                            raw.seek(Long.parseLong(number) * blockSize);
                            raw.write(zeros);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw PyroException.runtime("cannot scrub the workspace disk image " + image + ": " + ErrorText.of(e), e);
        }
    }

    private static long blockSize(Debugfs debugfs) {
        for (String line : debugfs.batch(List.of("stats -h")).getFirst()) {
            if (line.startsWith("Block size:")) {
                return Long.parseLong(line.substring("Block size:".length()).trim());
            }
        }
        throw PyroException.runtime("debugfs did not report the workspace disk's block size", null);
    }
}
