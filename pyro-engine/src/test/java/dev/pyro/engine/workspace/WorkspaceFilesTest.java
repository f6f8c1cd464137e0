package dev.pyro.engine.workspace;

import dev.pyro.api.OutputListener;
import dev.pyro.api.workspace.WorkspaceSummary;
import dev.pyro.api.workspace.WorkspaceRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.Progress;
import dev.pyro.api.workspace.review.DiffPayload;
import dev.pyro.test.SandboxTest;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The live file operations against one real gVisor workspace, hostile input included. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SandboxTest
class WorkspaceFilesTest {

    GvisorManager gvisor;
    Path state;
    WorkspaceManager manager;
    WorkspaceFiles files;
    String id;

    @BeforeAll
    void setUp() throws Exception {
        gvisor = GvisorManager.open("pyro-wsfiles-", 8);
        state = gvisor.state;
        manager = gvisor.manager;
        files = new WorkspaceFiles(manager.context());
        Path seed = state.resolve("seed.tar");
        tar(seed, "README.md", "# demo\n", "src/main.c", "int main(void) { return 0; }\n");
        id = manager.create(WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT).withBackend("gvisor", false)
                .withSeed(seed), Progress.NONE).workspaceId();
    }

    @AfterAll
    void tearDown() throws Exception {
        if (gvisor != null) {
            gvisor.close();
        }
    }

    static void tar(Path file, String... namesAndContents) throws Exception {
        try (OutputStream out = Files.newOutputStream(file); TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            for (int i = 0; i < namesAndContents.length; i += 2) {
                byte[] content = namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(namesAndContents[i]);
                entry.setSize(content.length);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
    }

    String sh(String command) {
        return manager.exec(id, command, 30, OutputListener.NONE).stdout();
    }

    @Test
    void aTarSeedLandsInWorkspace() {
        assertThat(files.read(id, "README.md", 65536).content()).isEqualTo("# demo\n");
        assertThat(files.list(id, "/workspace", true).entries())
                .extracting(e -> e.path()).contains("/workspace/README.md", "/workspace/src", "/workspace/src/main.c");
    }

    @Test
    void aHostileSeedCreatesNoWorkspace() throws Exception {
        Path evil = state.resolve("evil.tar");
        tar(evil, "ok.txt", "fine", "../../etc/pwned", "x");
        int before = manager.count();
        assertThatThrownBy(() -> manager.create(WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT)
                .withBackend("gvisor", false).withSeed(evil), Progress.NONE))
                .hasMessageContaining("unsafe archive member path: ../../etc/pwned");
        assertThat(manager.count()).isEqualTo(before);
    }

    /** Issue 17 A.9: a secret file named as seed or sync source was parsed as tar and its bytes quoted as a pyro bug. */
    @Test
    void aFileThatIsNotAnArchiveIsRefusedWithoutQuotingIt() throws Exception {
        Path shadow = Files.writeString(state.resolve("shadow"),
                "root:$6$SECRETSALT$SECRETHASH:19000:0:99999:7:::\n".repeat(20));
        int before = manager.count();
        assertThatThrownBy(() -> manager.create(WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT)
                .withBackend("gvisor", false).withSeed(shadow), Progress.NONE))
                .hasMessage("seed_path must be a directory or a .tar/.tar.gz/.tgz archive");
        assertThat(manager.count()).isEqualTo(before);
        assertThatThrownBy(() -> files.syncPush(id, shadow.toString(), "/workspace"))
                .hasMessage("source_path must be a directory or a .tar/.tar.gz/.tgz archive");
    }

    @Test
    void pathsEscapingTheWorkspaceAreRefused() {
        assertThatThrownBy(() -> files.read(id, "../etc/passwd", 100))
                .hasMessage("workspace path must stay inside /workspace");
        assertThatThrownBy(() -> files.write(id, "/etc/motd", "x"))
                .hasMessage("workspace path must stay inside /workspace");
        sh("ln -sfn /etc /workspace/etc-link");
        assertThatThrownBy(() -> files.write(id, "etc-link/motd", "pwned"))
                .hasMessageContaining("would traverse through a symlinked parent");
        assertThat(sh("cat /etc/motd 2>/dev/null | grep -c pwned || true").trim()).isEqualTo("0");
        assertThatThrownBy(() -> files.syncPush(id, state.resolve("seed.tar").toString(), "../tmp"))
                .hasMessage("workspace destination must stay inside /workspace");
        sh("rm /workspace/etc-link");
    }

    @Test
    void aPatchWhoseContextDoesNotMatchChangesNoFile() {
        files.write(id, "a.txt", "one\ntwo\nthree\n");
        files.write(id, "b.txt", "alpha\nbeta\n");
        String patch = "--- a/a.txt\n+++ b/a.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n"
                + "--- a/b.txt\n+++ b/b.txt\n@@ -1,2 +1,2 @@\n alpha\n-gamma\n+delta\n";
        assertThatThrownBy(() -> files.applyPatch(id, patch))
                .hasMessageContaining("patch context does not match for /workspace/b.txt in hunk @@ -1,2 +1,2 @@");
        assertThat(files.read(id, "a.txt", 100).content()).isEqualTo("one\ntwo\nthree\n");
        assertThat(files.read(id, "b.txt", 100).content()).isEqualTo("alpha\nbeta\n");
    }

    @Test
    void diffMarksBinaryFilesAndDeletions() {
        sh("printf 'a\\000b' > blob.bin");
        DiffPayload diff = files.diff(id);
        assertThat(diff.entries()).anySatisfy(e -> {
            assertThat(e.path()).isEqualTo("blob.bin");
            assertThat(e.binary()).isTrue();
            assertThat(e.textPatch()).isNull();
        });
        sh("rm blob.bin");
    }

    /** Issue 17 A.6: a 3 GB file took the engine's RSS up by 2 GB and failed with "Required array size too large". */
    @Test
    void diffAndSummaryOfMultiGigabyteFilesStayBounded() {
        sh("truncate -s 3G /workspace/huge.img && head -c 2000000 /dev/zero | tr '\\0' a > /workspace/big.txt"
                + " && printf 'hello\\n' > /workspace/notes-a6.txt");
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        com.sun.management.ThreadMXBean counting = (com.sun.management.ThreadMXBean) threads;
        long before = counting.getCurrentThreadAllocatedBytes();
        DiffPayload diff = files.diff(id);
        WorkspaceSummary summary = files.summary(id);
        assertThat(counting.getCurrentThreadAllocatedBytes() - before).isLessThan(64L << 20);
        assertThat(diff.entries()).anySatisfy(e -> {
            assertThat(e.path()).isEqualTo("huge.img");
            assertThat(e.tooLarge()).isTrue();
            assertThat(e.textPatch()).isNull();
        }).anySatisfy(e -> {
            assertThat(e.path()).isEqualTo("big.txt");
            assertThat(e.tooLarge()).isTrue();
        }).anySatisfy(e -> {
            assertThat(e.path()).isEqualTo("notes-a6.txt");
            assertThat(e.textPatch()).contains("+hello");
        });
        assertThat(summary.changes().available()).isTrue();
        assertThat(summary.changes().entries()).extracting(m -> m.get("path")).contains("huge.img", "big.txt");
        sh("rm /workspace/huge.img /workspace/big.txt /workspace/notes-a6.txt");
    }

    /**
     * Issue 17 A.4 on a real sandbox: while seeds and sync pushes of {@code race/} run, a thread keeps
     * swapping {@code race/sub} for a symlink to a directory of secrets, behind a decoy with the same
     * names, sizes and mtimes. Whatever each import ends in, no secret reaches the guest or a baseline.
     */
    @Test
    void aParentSwappedForALinkDuringSeedOrSyncNeverCopiesWhatIsOutside() throws Exception {
        String secret = "TOP-SECRET-0123456789\n";
        Path outside = Files.createDirectories(state.resolve("race-outside"));
        Path race = Files.createDirectories(state.resolve("race"));
        Files.write(race.resolve("a-big.bin"), new byte[8 << 20]);
        Path sub = Files.createDirectories(race.resolve("sub"));
        java.nio.file.attribute.FileTime mtime = java.nio.file.attribute.FileTime.fromMillis(1_700_000_000_000L);
        for (int i = 0; i < 200; i++) {
            String name = String.format("f%03d", i);
            Files.writeString(outside.resolve(name), secret);
            Files.writeString(sub.resolve(name), "x".repeat(secret.length() - 1) + "\n");
            Files.setLastModifiedTime(outside.resolve(name), mtime);
            Files.setLastModifiedTime(sub.resolve(name), mtime);
        }
        Path parked = state.resolve("race-parked");
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger swaps = new java.util.concurrent.atomic.AtomicInteger();
        Thread swapper = new Thread(() -> {
            try {
                while (!stop.get()) {
                    Files.move(sub, parked);
                    Files.createSymbolicLink(sub, outside);
                    Thread.onSpinWait();
                    Files.delete(sub);
                    Files.move(parked, sub);
                    swaps.incrementAndGet();
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        swapper.start();
        int imported = 0;
        try {
            for (int i = 0; i < 3; i++) {
                String seeded;
                try {
                    seeded = manager.create(WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT)
                            .withBackend("gvisor", false).withSeed(race), Progress.NONE).workspaceId();
                } catch (dev.pyro.api.PyroException e) {
                    assertThat(e.getMessage()).doesNotContain("TOP-SECRET");
                    continue;
                }
                try {
                    imported++;
                    byte[] baseline = Files.readAllBytes(Baseline.archive(manager.store().dir(dev.pyro.api.ids.WorkspaceId.of(seeded))));
                    assertThat(new String(baseline, StandardCharsets.ISO_8859_1)).doesNotContain("TOP-SECRET");
                    assertThat(manager.exec(seeded, "grep -rl TOP-SECRET /workspace | wc -l", 30,
                            OutputListener.NONE).stdout().trim()).isEqualTo("0");
                } finally {
                    manager.delete(seeded);
                }
            }
            for (int i = 0; i < 10; i++) {
                try {
                    files.syncPush(id, race.toString(), "race-sync");
                    imported++;
                } catch (dev.pyro.api.PyroException e) {
                    assertThat(e.getMessage()).doesNotContain("TOP-SECRET");
                }
                assertThat(sh("grep -rl TOP-SECRET /workspace/race-sync 2>/dev/null | wc -l").trim()).isEqualTo("0");
            }
        } finally {
            stop.set(true);
            swapper.join();
            sh("rm -rf /workspace/race-sync");
        }
        assertThat(swaps.get()).isGreaterThan(100);
    }

    @Test
    void exportNeverOverwritesAndKeepsContent() throws Exception {
        files.write(id, "out/report.txt", "report\n");
        Path target = state.resolve("export/out");
        assertThat(files.export(id, "out", target.toString(), false).artifactType()).isEqualTo("directory");
        assertThat(target.resolve("report.txt")).hasContent("report");
        assertThatThrownBy(() -> files.export(id, "out", target.toString(), false))
                .hasMessage("output_path already exists: " + target);
        assertThat(files.export(id, "out/report.txt", target.toString(), true).artifactType()).isEqualTo("file");
        assertThat(target).hasContent("report");
        // issue 17 A.9: guest modes reached the host as they were (0777 files)
        sh("chmod 0777 /workspace/out/report.txt && chmod 04755 /workspace/out && chmod 0777 /workspace/out");
        Path modes = state.resolve("export/modes");
        files.export(id, "out", modes.toString(), false);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(modes)))
                .isEqualTo("rwxr-xr-x");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(modes.resolve("report.txt")))).isEqualTo("rwxr-xr-x");
    }

    @Test
    void readsDoNotCountAsActivityButWritesDo() {
        double before = manager.status(id).lastActivityAt();
        files.read(id, "README.md", 100);
        files.list(id, null, false);
        files.diff(id);
        assertThat(manager.status(id).lastActivityAt()).isEqualTo(before);
        files.write(id, "touch.txt", "x");
        assertThat(manager.status(id).lastActivityAt()).isGreaterThan(before);
    }

    @Test
    void syncPushOverlaysDirectoriesAndArchives() throws Exception {
        files.write(id, "over.txt", "old\n");
        Path dir = Files.createDirectories(state.resolve("changes/sub"));
        Files.writeString(state.resolve("changes/over.txt"), "new\n");
        Files.writeString(dir.resolve("extra.txt"), "extra\n");
        var fromDir = files.syncPush(id, state.resolve("changes").toString(), null);
        assertThat(fromDir.workspaceSync().mode()).isEqualTo("directory");
        assertThat(fromDir.workspaceSync().destination()).isEqualTo("/workspace");
        assertThat(fromDir.workspaceSync().entryCount()).isEqualTo(3);
        assertThat(files.read(id, "over.txt", 100).content()).isEqualTo("new\n");
        assertThat(files.read(id, "sub/extra.txt", 100).content()).isEqualTo("extra\n");
        assertThat(files.read(id, "src/main.c", 100).content()).contains("main"); // overlay: nothing deleted

        Path gz = state.resolve("vendor.tar.gz");
        Path plain = state.resolve("vendor.tar");
        tar(plain, "lib/a.txt", "A\n");
        try (var in = Files.newInputStream(plain);
             var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            in.transferTo(out);
        }
        var fromTar = files.syncPush(id, gz.toString(), "third_party");
        assertThat(fromTar.workspaceSync().mode()).isEqualTo("tar_archive");
        assertThat(fromTar.workspaceSync().destination()).isEqualTo("/workspace/third_party");
        assertThat(files.read(id, "third_party/lib/a.txt", 100).content()).isEqualTo("A\n");
        sh("rm -rf third_party sub over.txt");
    }
}
