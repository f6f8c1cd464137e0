package dev.pyro.engine.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pyro.engine.process.HostCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trimmed login profile behaves as Debian's (same PATH for root and for another user, the same
 * {@code mesg} on a terminal) without starting {@code id} or {@code mesg} when there is no terminal.
 * Run with the host's own {@code /bin/sh} against the host's own Debian profile files, with
 * {@code id} and {@code mesg} replaced by stand-ins that log each call.
 */
class LoginProfileTest {

    @TempDir
    Path dir;

    @Test
    void theTrimmedProfileSetsTheSamePathWithoutStartingPrograms() throws Exception {
        Path hostProfile = Path.of("/etc/profile");
        assumeTrue(Files.isRegularFile(hostProfile) && Files.readString(hostProfile).contains(LoginProfile.UID_CALL),
                "a Debian /etc/profile on this host");
        Path original = Files.writeString(dir.resolve("profile.original"), Files.readString(hostProfile));
        Path trimmed = Files.writeString(dir.resolve("profile.trimmed"),
                LoginProfile.trimProfile(Files.readString(hostProfile)));
        Path calls = dir.resolve("calls.log");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        standIn(bin.resolve("id"), "echo id >> " + calls + "; exec /usr/bin/id \"$@\"");

        String before = run(original, bin);
        assertThat(Files.readString(calls)).as("Debian's profile starts id").contains("id");
        Files.delete(calls);
        String after = run(trimmed, bin);
        assertThat(after).isEqualTo(before).contains("/usr/sbin"); // root's PATH
        assertThat(calls).as("the trimmed profile starts no id").doesNotExist();
        assertThat(after).doesNotContain("pyro_");
        assertThat(Files.readString(trimmed)).doesNotContain(LoginProfile.UID_CALL).contains("if [ -O / ]; then");

        // another user gets the other PATH, as with Debian's
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(trimmed, PosixFilePermissions.fromString("rw-r--r--"));
        String asNobody = output(HostCommand.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "/bin/sh", "-c", "PATH=/usr/bin:/bin; . " + trimmed + "; echo \"$PATH\"")).strip();
        assertThat(asNobody).isEqualTo("/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games");
    }

    @Test
    void mesgRunsOnlyOnATerminal() throws Exception {
        Path rootfs = dir.resolve("rootfs");
        Files.createDirectories(rootfs.resolve("root"));
        Path rootProfile = Files.writeString(rootfs.resolve("root/.profile"), "# a profile\n" + LoginProfile.MESG + "\n");
        LoginProfile.trim(rootfs);
        String text = Files.readString(rootProfile);
        assertThat(text).contains(LoginProfile.MESG_ON_TERMINALS).doesNotContain("\n" + LoginProfile.MESG + "\n");
        Path calls = dir.resolve("mesg.log");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        standIn(bin.resolve("mesg"), "echo mesg >> " + calls);
        HostCommand.of("/bin/sh", "-c", "PATH=" + bin + ":$PATH; . " + rootProfile + " </dev/null").run();
        assertThat(calls).as("no terminal, no mesg").doesNotExist();
        // a terminal on stdin: script(1) gives the shell one
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "script(1) for a terminal");
        HostCommand.of("/usr/bin/script", "-qec", "PATH=" + bin + ":$PATH; . " + rootProfile, "/dev/null").run();
        assertThat(Files.readString(calls)).isEqualTo("mesg\n");
    }

    private static String run(Path profile, Path bin) throws Exception {
        return output(HostCommand.of("/bin/sh", "-c", "PATH=" + bin + ":/usr/bin:/bin; . " + profile
                + "; echo \"$PATH\"; set")).lines().filter(l -> !l.startsWith("PPID=") && !l.startsWith("_=") && !l.startsWith("OPTIND="))
                .reduce("", (a, b) -> a + b + "\n");
    }

    private static String output(HostCommand command) throws Exception {
        HostCommand.Result result = command.runAllowingFailure();
        assertThat(result.exitCode()).as(result.output()).isZero();
        return result.output();
    }

    private static void standIn(Path file, String body) throws Exception {
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
