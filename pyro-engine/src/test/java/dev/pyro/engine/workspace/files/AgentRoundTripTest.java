package dev.pyro.engine.workspace.files;

import dev.pyro.api.workspace.files.ImportResult;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pyro.agent.AgentBinaries;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.protocol.AgentConnection;
import dev.pyro.protocol.FileType;
import dev.pyro.protocol.TreeWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The adapters against the real agent binary: it runs on the host, chrooted into a temp root
 * holding only itself and {@code /workspace}, so guest paths are real paths and everything the
 * agent writes can be checked from the host side.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentRoundTripTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    Path dir;
    Path root;
    Path workspace;
    Process process;
    AgentConnection agent;
    AgentGuestFs guest;

    @BeforeAll
    void startAgentInAChroot() throws Exception {
        assumeTrue(AgentBinaries.available(), "this build has no agent binary");
        dir = Files.createTempDirectory("pyro-files-agent-");
        root = Files.createDirectories(dir.resolve("root"));
        Path binary = Files.write(root.resolve("pyro-agent"), AgentBinaries.bytes(AgentBinaries.AGENT));
        Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
        workspace = Files.createDirectories(root.resolve("workspace"));
        List<String> command = new ArrayList<>();
        // chroot needs root; elsewhere a user namespace makes us root for it
        if (!"root".equals(System.getProperty("user.name"))) command.addAll(List.of("unshare", "-r"));
        command.addAll(List.of("chroot", root.toString(), "/pyro-agent", "--stdio"));
        try {
            process = new ProcessBuilder(command).redirectError(dir.resolve("agent.log").toFile()).start();
            agent = AgentConnection.open(process.getInputStream(), process.getOutputStream(), process::destroy,
                    AgentConnection.Options.defaults().withHello(Duration.ofSeconds(5), 1, false));
        } catch (IOException | RuntimeException e) {
            assumeTrue(false, "cannot run the agent in a chroot here: " + e.getMessage());
        }
        guest = new AgentGuestFs(agent, TIMEOUT);
    }

    @AfterAll
    void stop() throws Exception {
        if (agent != null) agent.close();
        if (process != null) process.destroyForcibly().waitFor();
        if (dir != null) FileTrees.deleteRecursively(dir);
    }

    @BeforeEach
    void emptyWorkspace() throws IOException {
        if (workspace == null) return;
        FileTrees.deleteRecursively(workspace);
        Files.createDirectories(workspace);
    }

    ImportResult importInto(Path source, String destination) {
        ImportSource src = ImportSources.open("seed_path", source.toString(), TransferLimits.DEFAULT);
        ImportPlan plan = src.inspect();
        try (TreeWriter writer = agent.files().openTree(true)) {
            return new TreeImport(guest).writeTo(writer, src, plan, WorkspacePath.normalize(destination, "dest"), TIMEOUT);
        }
    }

    @Test
    void seedsADirectoryAndExportsItBackUnchanged() throws Exception {
        Path seed = Files.createDirectories(dir.resolve("seed"));
        Files.createDirectories(seed.resolve("src/deep"));
        Files.writeString(seed.resolve("src/deep/a.txt"), "alpha\n");
        Files.writeString(seed.resolve("run.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(seed.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        byte[] big = new byte[9 << 20]; // over one 8 MiB agent read
        new Random(7).nextBytes(big);
        Files.write(seed.resolve("big.bin"), big);
        Instant when = Instant.parse("2022-02-02T02:02:02Z");
        Files.setLastModifiedTime(seed.resolve("src/deep/a.txt"), FileTime.from(when));
        Files.createSymbolicLink(seed.resolve("link"), Path.of("src/deep/a.txt"));

        ImportResult imported = importInto(seed, "/workspace");
        assertThat(imported.entryCount()).isEqualTo(6);
        assertThat(imported.bytesWritten()).isEqualTo(6 + 18 + big.length);
        assertThat(Files.readString(workspace.resolve("src/deep/a.txt"))).isEqualTo("alpha\n");
        assertThat(Files.getLastModifiedTime(workspace.resolve("src/deep/a.txt")).toInstant()).isEqualTo(when);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(workspace.resolve("run.sh"))))
                .isEqualTo("rwxr-x---");
        assertThat(Files.readSymbolicLink(workspace.resolve("link"))).isEqualTo(Path.of("src/deep/a.txt"));

        Path out = dir.resolve("exported");
        ExportResult exported = new WorkspaceExport(guest, TransferLimits.DEFAULT).export("/workspace", out.toString(), false);
        assertThat(exported.artifactType()).isEqualTo("directory");
        assertThat(exported.entryCount()).isEqualTo(6);
        assertThat(exported.bytesWritten()).isEqualTo(imported.bytesWritten());
        assertThat(Files.readAllBytes(out.resolve("big.bin"))).isEqualTo(big);
        assertThat(Files.readSymbolicLink(out.resolve("link"))).isEqualTo(Path.of("src/deep/a.txt"));
        assertThat(Files.readString(out.resolve("src/deep/a.txt"))).isEqualTo("alpha\n");
    }

    @Test
    void syncsAGzipArchiveIntoASubdirectory() throws Exception {
        byte[] tgz = Tars.gzip(Tars.create().dir("pkg").file("pkg/mod.py", "x = 1\n").symlink("pkg/alias", "mod.py").build());
        ImportResult result = importInto(Tars.write(dir, "sync.tgz", tgz), "sub/dest");
        assertThat(result.destination()).isEqualTo("/workspace/sub/dest");
        assertThat(Files.readString(workspace.resolve("sub/dest/pkg/mod.py"))).isEqualTo("x = 1\n");
        assertThat(Files.readSymbolicLink(workspace.resolve("sub/dest/pkg/alias"))).isEqualTo(Path.of("mod.py"));
    }

    @Test
    void refusesToWriteThroughASymlinkTheGuestAlreadyHas() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.createSymbolicLink(workspace.resolve("evil"), Path.of("/etc"));
        byte[] tar = Tars.create().file("fine.txt", "ok").file("evil/passwd", "root::0:0::/:/bin/sh\n").build();
        assertThatThrownBy(() -> importInto(Tars.write(dir, "evil.tar", tar), "/workspace"))
                .hasMessage("archive member would traverse through a symlinked path: evil/passwd");
        assertThat(root.resolve("etc/passwd")).doesNotExist();
        assertThat(workspace.resolve("fine.txt")).doesNotExist();
    }

    @Test
    void statsListsAndReadsWithoutFollowingLinks() throws Exception {
        Files.writeString(workspace.resolve("f.txt"), "content");
        Files.createSymbolicLink(workspace.resolve("l"), Path.of("f.txt"));
        assertThat(guest.stat("/workspace/nope")).isNull();
        assertThat(guest.stat("/workspace/f.txt/under-a-file")).isNull();
        GuestNode link = guest.stat("/workspace/l");
        assertThat(link.type()).isEqualTo(FileType.SYMLINK);
        assertThat(link.linkTarget()).isEqualTo("f.txt");
        assertThat(guest.list("/workspace")).extracting(GuestNode::name).containsExactly("f.txt", "l");
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        try (var in = guest.open("/workspace/f.txt")) {
            in.transferTo(read);
        }
        assertThat(read.toString()).isEqualTo("content");
        assertThatThrownBy(() -> {
            try (var in = guest.open("/workspace/l")) {
                in.read();
            }
        }).isInstanceOf(IOException.class);
        assertThat(Files.exists(workspace.resolve("l"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    }
}
