package dev.pyro.engine.environment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Every command runs in a login shell ({@code /bin/sh -lc}, as the spec says), and Debian's login
 * profile starts two programs each time: {@code id -u} in {@code /etc/profile} and {@code mesg n}
 * in {@code /root/.profile}. A fork and exec costs 15-30 ms under gVisor's ptrace platform or QEMU
 * without KVM, more than a typical command. The environment gets the same profile without them:
 * "is the effective user root" becomes {@code [ -O / ]} (the root directory, owned by root in every
 * environment, is owned by the effective user), one stat instead of a program; and {@code mesg}
 * runs only when stdin is a terminal, the only case it affects. (Reading the uid from
 * {@code /proc/self/status} with the shell's {@code read} cost ~8 ms under gVisor: dash reads a
 * byte per system call.)
 */
final class LoginProfile {

    static final String UID_CALL = "\"$(id -u)\"";
    static final String ROOT_TEST_CALL = "[ \"$(id -u)\" -eq 0 ]";
    static final String ROOT_TEST = "[ -O / ]";
    static final String NOTE = """
            # pyro: `[ -O / ]` (the root directory is owned by the effective user) stands for
            # Debian's test of `id -u` against 0: every command runs a login shell, and forking
            # id(1) costs more than many commands do in a sandbox

            """;
    static final String MESG = "mesg n 2> /dev/null || true";
    static final String MESG_ON_TERMINALS = "if [ -t 0 ]; then mesg n 2> /dev/null || true; fi # pyro: terminals only";

    private LoginProfile() {
    }

    static void trim(Path rootfs) throws IOException {
        Path profile = rootfs.resolve("etc/profile");
        if (Files.isRegularFile(profile)) {
            String text = Files.readString(profile, StandardCharsets.UTF_8);
            if (text.contains(UID_CALL)) {
                Files.writeString(profile, trimProfile(text), StandardCharsets.UTF_8);
            }
        }
        Path rootProfile = rootfs.resolve("root/.profile");
        if (Files.isRegularFile(rootProfile)) {
            String text = Files.readString(rootProfile, StandardCharsets.UTF_8);
            if (text.contains(MESG)) {
                Files.writeString(rootProfile, text.replace(MESG, MESG_ON_TERMINALS), StandardCharsets.UTF_8);
            }
        }
    }

    /** The same profile with the root test done by the shell itself, the note after the leading comments. */
    static String trimProfile(String profile) {
        int body = profile.startsWith("#") ? endOfLeadingComments(profile) : 0;
        return profile.substring(0, body) + NOTE + profile.substring(body).replace(ROOT_TEST_CALL, ROOT_TEST);
    }

    private static int endOfLeadingComments(String text) {
        int at = 0;
        while (at < text.length() && (text.startsWith("#", at) || text.startsWith("\n", at))) {
            int newline = text.indexOf('\n', at);
            if (newline < 0) {
                return text.length();
            }
            at = newline + 1;
        }
        return at;
    }
}
