package dev.pyro.engine.workspace.files;

import dev.pyro.api.OutputListener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.PyroException;
import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.Progress;
import dev.pyro.engine.workspace.WorkspaceFiles;
import dev.pyro.engine.workspace.WorkspaceManager;
import dev.pyro.api.workspace.WorkspaceRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hostile-input corpus ({@code src/test/resources/hostile/}: paths, patches, names; archives
 * built by {@link #archives()}) against a real workspace on each backend. Every item must be
 * refused with a clear INVALID_INPUT error naming the problem, and leave no partial change: the
 * workspace tree (names, types, sizes, link targets, checksums), the guest's {@code /etc} and the
 * host's list of workspaces are compared before and after.
 */
class HostileInputCorpusTest {

    /** The archives: name, bytes, expected error. Small on purpose; the 2 GiB bomb is a few MiB of gzip. */
    static Map<String, Object[]> archives() {
        Map<String, Object[]> a = new LinkedHashMap<>();
        Supplier<Tars> good = () -> Tars.create().dir("src").file("src/ok.txt", "fine");
        a.put("dotdot.tar", new Object[] {good.get().file("../escape.txt", "x").build(), "unsafe archive member path: ../escape.txt"});
        a.put("dotdot-deep.tar", new Object[] {good.get().file("src/../../../etc/cron.d/x", "x").build(), "unsafe archive member path"});
        a.put("absolute.tar", new Object[] {good.get().file("/etc/cron.d/evil", "x").build(), "absolute archive member paths are not allowed"});
        a.put("hardlink.tar", new Object[] {good.get().hardLink("src/shadow", "/etc/shadow").build(), "hard links are not allowed"});
        a.put("hardlink-inside.tar", new Object[] {good.get().hardLink("src/copy", "src/ok.txt").build(), "hard links are not allowed"});
        a.put("block-device.tar", new Object[] {good.get().special("sda", TarConstants.LF_BLK).build(), "unsupported archive member type: sda"});
        a.put("char-device.tar", new Object[] {good.get().special("tty", TarConstants.LF_CHR).build(), "unsupported archive member type: tty"});
        a.put("fifo.tar", new Object[] {good.get().special("pipe", TarConstants.LF_FIFO).build(), "unsupported archive member type: pipe"});
        a.put("symlink-absolute.tar", new Object[] {good.get().symlink("etc", "/etc").file("etc/passwd", "x").build(), "symlink etc escapes the workspace"});
        a.put("symlink-up.tar", new Object[] {good.get().symlink("src/up", "../..").build(), "symlink src/up escapes the workspace"});
        a.put("symlink-chain.tar", new Object[] {good.get().symlink("dot", ".").symlink("sneaky", "dot/dot/../..").build(), "symlink sneaky escapes the workspace"});
        a.put("write-through-symlink.tar", new Object[] {good.get().symlink("link", "src").file("link/x", "x").build(), "traverse through a symlinked path"});
        a.put("symlink-empty.tar", new Object[] {good.get().symlink("empty", "").build(), "symlink empty has an empty target"});
        a.put("conflict.tar", new Object[] {good.get().file("src", "not a dir").build(), "file conflicts with existing path: src"});
        a.put("empty-name.tar", new Object[] {good.get().file(" ", "x").build(), "archive member path is empty"});
        Tars many = Tars.create();
        for (int i = 0; i < 100_001; i++) {
            many.dir("d" + i);
        }
        a.put("too-many-entries.tar.gz", new Object[] {Tars.gzip(many.build()), "has too many entries"});
        a.put("declared-2gib.tar.gz", new Object[] {Tars.gzip(Tars.concat(Tars.header("big.bin", 2L << 30))), "is too large"});
        a.put("gzip-bomb-2gib.tgz", new Object[] {GzipBombs.twoGibOfZeros("bomb.bin"), "is too large"});
        byte[] gz = Tars.gzip(good.get().build());
        a.put("truncated.tar.gz", new Object[] {java.util.Arrays.copyOf(gz, gz.length / 2), "is not a valid tar archive"});
        byte[] corrupt = gz.clone();
        for (int i = 20; i < corrupt.length - 8; i += 7) corrupt[i] ^= 0x5a;
        a.put("corrupt.tar.gz", new Object[] {corrupt, "is not a valid tar archive"});
        byte[] zst = Tars.zstd(good.get().build());
        a.put("truncated.tar.zst", new Object[] {java.util.Arrays.copyOf(zst, zst.length / 2), "is not a valid tar archive"});
        byte[] zcorrupt = zst.clone();
        for (int i = 12; i < zcorrupt.length; i += 5) zcorrupt[i] ^= 0x33;
        a.put("corrupt.tar.zst", new Object[] {zcorrupt, "is not a valid tar archive"});
        a.put("not-an-archive.tar", new Object[] {"hello, plain text".getBytes(StandardCharsets.UTF_8), "must be a directory or a .tar/.tar.gz/.tgz archive"});
        a.put("gzip-of-text.gz", new Object[] {Tars.gzip("text, not a tar ".repeat(64).getBytes(StandardCharsets.UTF_8)), "is not a valid tar archive"});
        return a;
    }

    static List<String> lines(String resource) throws IOException {
        try (InputStream in = HostileInputCorpusTest.class.getResourceAsStream("/hostile/" + resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).map(HostileInputCorpusTest::unescape).toList();
        }
    }

    /** {@code \\uXXXX} and {@code \\n} in the corpus files stand for the character. */
    static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 6 <= s.length() && s.charAt(i + 1) == 'u') {
                out.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                i += 5;
            } else if (c == '\\' && i + 1 < s.length() && s.charAt(i + 1) == 'n') {
                out.append('\n');
                i++;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    Path state;
    WorkspaceManager manager;
    WorkspaceFiles files;
    String id;
    int refused;

    String sh(String command) {
        return manager.exec(id, command, 60, OutputListener.NONE).stdout();
    }

    /** Everything an attack could change, as text: the tree of /workspace with checksums, and /etc's. */
    String fingerprint() {
        return sh("cd /workspace && find . -printf '%p %y %s %l\\n' | sort && find . -type f -print0 | sort -z "
                + "| xargs -0 -r md5sum && find /etc -xdev -type f -print0 2>/dev/null | sort -z | xargs -0 -r md5sum "
                + "| md5sum");
    }

    void refused(String what, Runnable action, String expected) {
        assertThatThrownBy(action::run).describedAs(what).isInstanceOf(PyroException.class)
                .satisfies(e -> assertThat(((PyroException) e).kind()).as(what).isEqualTo(PyroException.Kind.INVALID_INPUT))
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).as(what).doesNotContain("Exception:", "Exception\n", "\tat ").doesNotEndWith("Exception"));
        refused++;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gvisor", "vm"})
    void everyHostileInputIsRefusedAndChangesNothing(String backend) throws Exception {
        RealSandboxes.assumeBackendWorks(backend);
        state = Files.createTempDirectory("pyro-hostile-");
        manager = new WorkspaceManager(RealSandboxes.paths(state), 4, () -> 0);
        files = new WorkspaceFiles(manager.context());
        try {
            run(backend);
        } finally {
            manager.list().workspaces().forEach(w -> manager.delete(w.workspaceId()));
            manager.close();
            FileTrees.deleteRecursively(state);
        }
    }

    private void run(String backend) throws Exception {
        WorkspaceRequest request = WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT).withBackend(backend, false)
                .withSize(1, 512, 1800);
        id = manager.create(request, Progress.NONE).workspaceId();
        // The attack surface: a text file, a binary file, a directory, and symlink chains out.
        sh("printf 'one\\ntwo\\n' > notes.txt && head -c 64 /dev/urandom > blob.bin && printf '\\0' >> blob.bin "
                + "&& mkdir -p dir && ln -s /etc etc-link && ln -s etc-link chain1 && ln -s chain1 chain2 "
                + "&& ln -s ../.. up && ln -s /etc/.. abs-up && ln -s loop-b loop-a && ln -s loop-a loop-b "
                + "&& ln -s ../../etc dir/inner-escape");
        String before = fingerprint();
        int workspacesBefore = manager.count();
        Path tmp = Files.createDirectories(state.resolve("corpus"));
        Path goodSource = Files.createDirectories(tmp.resolve("good"));
        Files.writeString(goodSource.resolve("a.txt"), "a");
        Path exportOut = tmp.resolve("export-out");

        // 1. Archives: as a seed (no workspace is made) and as a sync into the live workspace.
        Map<String, Object[]> archives = archives();
        for (Map.Entry<String, Object[]> archive : archives.entrySet()) {
            Path file = Files.write(tmp.resolve(archive.getKey()), (byte[]) archive.getValue()[0]);
            String expected = (String) archive.getValue()[1];
            refused("seed " + archive.getKey(), () -> manager.create(request.withSeed(file), Progress.NONE), expected);
            refused("sync " + archive.getKey(), () -> files.syncPush(id, file.toString(), "/workspace"), expected);
        }
        int archiveCases = refused;

        // 2. Paths: every file operation that takes one.
        List<String> paths = lines("paths.txt");
        for (String path : paths) {
            String p = path;
            String expected = "";
            refused("read " + p, () -> files.read(id, p, 1000), expected);
            refused("write " + p, () -> files.write(id, p, "pwned\n"), expected);
            refused("list " + p, () -> files.list(id, p, false), expected);
            refused("export " + p, () -> files.export(id, p, exportOut.toString(), false), expected);
            refused("sync dest " + p, () -> files.syncPush(id, goodSource.toString(), p), expected);
        }
        for (String literal : lines("literal-paths.txt")) {
            refused("read literal " + literal, () -> files.read(id, literal, 1000), "workspace path does not exist");
        }
        int pathCases = refused - archiveCases;

        // 3. Patches (and one oversized): all or nothing, nothing outside.
        Map<String, String> expectedPatch = new LinkedHashMap<>();
        for (String line : lines("patches/expected.tsv")) {
            String[] parts = line.split("\t", 2);
            expectedPatch.put(parts[0], parts[1]);
        }
        for (Map.Entry<String, String> e : expectedPatch.entrySet()) {
            String patch = new String(HostileInputCorpusTest.class.getResourceAsStream("/hostile/patches/" + e.getKey())
                    .readAllBytes(), StandardCharsets.UTF_8);
            refused("patch " + e.getKey(), () -> files.applyPatch(id, patch), e.getValue());
        }
        String huge = "--- a/notes.txt\n+++ b/notes.txt\n@@ -1 +1 @@\n-one\n+" + "x".repeat(1 << 20) + "\n";
        refused("oversized patch", () -> files.applyPatch(id, huge), "patch must be at most 1048576 bytes");
        refused("empty patch", () -> files.applyPatch(id, "   "), "patch must not be empty");

        // 4. Oversized texts and reads.
        refused("oversized write", () -> files.write(id, "big.txt", "y".repeat((1 << 20) + 1)),
                "text must be at most 1048576 bytes when encoded as UTF-8");
        refused("read max_bytes 0", () -> files.read(id, "notes.txt", 0), "max_bytes must be between 1 and 1048576");
        refused("read max_bytes huge", () -> files.read(id, "notes.txt", (1 << 20) + 1), "max_bytes must be between");
        refused("write onto a directory", () -> files.write(id, "dir", "x"), "only supports regular file targets");
        refused("write onto a symlink", () -> files.write(id, "etc-link", "x"), "only supports regular file targets");

        // 5. Names and labels (checked before anything is made).
        for (String line : lines("names.tsv")) {
            String[] parts = line.split("\t", -1);
            WorkspaceRequest bad = switch (parts[0]) {
                case "name" -> request.withName(parts[1]);
                case "label_key" -> request.withLabels(Map.of(parts[1], "v"));
                case "label_value" -> request.withLabels(Map.of("k", parts[1]));
                default -> throw new IllegalArgumentException(parts[0]);
            };
            refused(line, () -> manager.create(bad, Progress.NONE), parts[2]);
        }

        assertThat(fingerprint()).as("the workspace and /etc after every refusal").isEqualTo(before);
        assertThat(manager.count()).isEqualTo(workspacesBefore);
        assertThat(exportOut).doesNotExist();
        try (var dirs = Files.list(state.resolve("workspaces"))) {
            assertThat(dirs.filter(d -> !d.getFileName().toString().startsWith(".")).toList()).hasSize(1);
        }
        System.out.printf("hostile input on %s: %d refused (%d archive, %d path, %d patch/text/name), 0 partial writes%n",
                backend, refused, archiveCases, pathCases, refused - archiveCases - pathCases);
    }
}
