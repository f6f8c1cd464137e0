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
 * the shell reads its own effective uid from {@code /proc/self/status} (falling back to {@code id}
 * when that fails), and {@code mesg} runs only when stdin is a terminal, the only case it affects.
 */
final class LoginProfile {

    static final String UID_CALL = "\"$(id -u)\"";
    static final String UID_READ = """
            # pyro: the effective uid read by the shell itself (every command runs a login shell,
            # and forking id(1) costs more than many commands do in a sandbox)
            pyro_uid=
            while read -r pyro_key _ pyro_euid _; do
              if [ "$pyro_key" = Uid: ]; then pyro_uid=$pyro_euid; break; fi
            done 2>/dev/null </proc/self/status
            unset pyro_key pyro_euid

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

    /** Reads the uid once at the top, uses it where {@code $(id -u)} was, and forgets it at the end. */
    static String trimProfile(String profile) {
        int body = profile.startsWith("#") ? endOfLeadingComments(profile) : 0;
        String rest = profile.substring(body).replace(UID_CALL, "\"${pyro_uid:-$(id -u)}\"");
        return profile.substring(0, body) + UID_READ + rest + (rest.endsWith("\n") ? "" : "\n") + "unset pyro_uid\n";
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
