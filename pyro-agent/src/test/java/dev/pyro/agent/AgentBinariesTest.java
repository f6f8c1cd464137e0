package dev.pyro.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped binaries: extraction, checksums, static linking, the initramfs. */
class AgentBinariesTest {
    @TempDir
    Path tmp;

    @Test
    void extractsExecutableContentAddressedCopies() throws Exception {
        assertThat(AgentBinaries.available()).isTrue();
        AgentBinaries.Extracted x = AgentBinaries.extract(tmp.resolve("bin"));
        for (AgentBinaries.Binary b : List.of(x.agent(), x.init())) {
            assertThat(Files.isExecutable(b.path())).isTrue();
            assertThat(b.sha256()).isEqualTo(AgentBinaries.sha256(b.name()))
                    .isEqualTo(AgentBinaries.sha256(Files.readAllBytes(b.path())));
            assertThat(b.sha256()).hasSize(64);
        }
        // an identical copy is kept, a stale one replaced
        FileTime old = FileTime.fromMillis(1_000_000);
        Files.setLastModifiedTime(x.agent().path(), old);
        Files.write(x.init().path(), "stale".getBytes(StandardCharsets.UTF_8));
        AgentBinaries.Extracted y = AgentBinaries.extract(tmp.resolve("bin"));
        assertThat(Files.getLastModifiedTime(y.agent().path())).isEqualTo(old);
        assertThat(AgentBinaries.sha256(Files.readAllBytes(y.init().path()))).isEqualTo(x.init().sha256());
        try (var s = Files.list(tmp.resolve("bin"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("pyro-agent", "pyro-init");
        }
    }

    @Test
    void binariesAreStaticAndReportTheirVersion() throws Exception {
        AgentBinaries.Extracted x = AgentHarness.binaries();
        for (AgentBinaries.Binary b : List.of(x.agent(), x.init())) {
            assertThat(hasInterpreter(Files.readAllBytes(b.path()))).as(b.name() + " is statically linked").isFalse();
            Process p = new ProcessBuilder(b.path().toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
            assertThat(out).startsWith(b.name() + " 0.1.0");
        }
        System.err.printf("binary sizes: pyro-agent %d bytes, pyro-init %d bytes%n", Files.size(x.agent().path()),
                Files.size(x.init().path()));
    }

    /** Whether an ELF64 file has a PT_INTERP program header (i.e. is dynamically linked). */
    private static boolean hasInterpreter(byte[] elf) {
        assertThat(new String(elf, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("ELF");
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = b.getLong(0x20);
        int phentsize = b.getShort(0x36) & 0xffff;
        int phnum = b.getShort(0x38) & 0xffff;
        for (int i = 0; i < phnum; i++) {
            if (b.getInt((int) phoff + i * phentsize) == 3) return true;
        }
        return false;
    }

    record CpioEntry(String name, int mode, int rdevMajor, int rdevMinor, byte[] data) {}

    @Test
    void initramfsHoldsInitAgentAndConsole() throws Exception {
        byte[] a = Initramfs.build();
        assertThat(a).isEqualTo(Initramfs.build());   // deterministic
        assertThat(a.length % 4).isZero();
        List<CpioEntry> entries = new ArrayList<>();
        int off = 0;
        while (true) {
            String h = new String(a, off, 110, StandardCharsets.US_ASCII);
            assertThat(h).startsWith("070701");
            int mode = (int) Long.parseLong(h.substring(14, 22), 16);
            int size = (int) Long.parseLong(h.substring(54, 62), 16);
            int rmaj = (int) Long.parseLong(h.substring(78, 86), 16);
            int rmin = (int) Long.parseLong(h.substring(86, 94), 16);
            int nsize = (int) Long.parseLong(h.substring(94, 102), 16);
            String name = new String(a, off + 110, nsize - 1, StandardCharsets.US_ASCII);
            off = (off + 110 + nsize + 3) & ~3;
            byte[] data = java.util.Arrays.copyOfRange(a, off, off + size);
            off = (off + size + 3) & ~3;
            if (name.equals("TRAILER!!!")) break;
            entries.add(new CpioEntry(name, mode, rmaj, rmin, data));
        }
        assertThat(off).isEqualTo(a.length);
        assertThat(entries).extracting(CpioEntry::name).containsExactly("dev", "dev/console", "proc", "newroot", "init", "pyro-agent");
        assertThat(entries.get(1).mode()).isEqualTo(0020600);
        assertThat(entries.get(1).rdevMajor()).isEqualTo(5);
        assertThat(entries.get(1).rdevMinor()).isEqualTo(1);
        assertThat(entries.get(4).mode()).isEqualTo(0100755);
        assertThat(entries.get(4).data()).isEqualTo(AgentBinaries.bytes(AgentBinaries.INIT));
        assertThat(entries.get(5).data()).isEqualTo(AgentBinaries.bytes(AgentBinaries.AGENT));
        String sha = Initramfs.write(tmp.resolve("initramfs.cpio"));
        assertThat(Files.readAllBytes(tmp.resolve("initramfs.cpio"))).isEqualTo(a);
        assertThat(sha).isEqualTo(HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(a)));
    }
}
