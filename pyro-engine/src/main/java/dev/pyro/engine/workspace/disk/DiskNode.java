package dev.pyro.engine.workspace.disk;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One inode of a workspace disk as debugfs describes it.
 *
 * @param type {@code directory}, {@code regular}, {@code symlink}, or debugfs' own word for anything else
 * @param linkTarget a symlink's target when debugfs showed it (fast links); else null
 */
record DiskNode(long ino, String type, long size, String linkTarget) {

    private static final Pattern INODE = Pattern.compile("^Inode:\\s+(\\d+)\\s+Type:\\s+(.+?)\\s+Mode:");
    private static final Pattern SIZE = Pattern.compile("\\bSize:\\s+(\\d+)");
    private static final String FAST_LINK = "Fast link dest: ";

    boolean isDirectory() {
        return type.equals("directory");
    }

    boolean isRegular() {
        return type.equals("regular");
    }

    boolean isSymlink() {
        return type.equals("symlink");
    }

    DiskNode withLinkTarget(String target) {
        return new DiskNode(ino, type, size, target);
    }

    /** Parses {@code stat} output; null when it names no inode (the path does not exist). */
    static DiskNode fromStat(List<String> lines) {
        long ino = -1;
        String type = null;
        long size = 0;
        String target = null;
        for (String line : lines) {
            Matcher m = INODE.matcher(line);
            if (m.find()) {
                ino = Long.parseLong(m.group(1));
                type = m.group(2).trim();
            } else if (line.startsWith("User:")) {
                Matcher s = SIZE.matcher(line);
                if (s.find()) {
                    size = Long.parseLong(s.group(1));
                }
            } else if (line.startsWith(FAST_LINK)) {
                String quoted = line.substring(FAST_LINK.length());
                target = quoted.length() >= 2 && quoted.startsWith("\"") && quoted.endsWith("\"")
                        ? quoted.substring(1, quoted.length() - 1) : quoted;
            }
        }
        return ino < 0 ? null : new DiskNode(ino, type, size, target);
    }

    /** A child from {@code ls -p}: {@code /INO/MODE/UID/GID/NAME/SIZE/}. */
    record Child(String name, DiskNode node) {

        /** Null for {@code .}, {@code ..}, types other than dir/file/symlink, and lines that do not parse. */
        static Child parse(String line) {
            return parse(line, false);
        }

        /** As {@link #parse(String)}; with {@code anyType}, devices, FIFOs and sockets come back as {@code other}. */
        static Child parse(String line, boolean anyType) {
            String[] parts = line.split("/", -1);
            if (parts.length != 8 || !parts[0].isEmpty()) {
                return null; // a name with a line break, or not an entry line at all
            }
            String name = parts[5];
            if (name.equals(".") || name.equals("..") || name.isEmpty()) {
                return null;
            }
            String type = switch (parts[2].length() == 6 ? parts[2].substring(0, 2) : "") {
                case "04" -> "directory";
                case "10" -> "regular";
                case "12" -> "symlink";
                default -> anyType ? "other" : null;
            };
            if (type == null) {
                return null;
            }
            try {
                long ino = Long.parseLong(parts[1]);
                long size = parts[6].isEmpty() ? 0 : Long.parseLong(parts[6]);
                return ino == 0 ? null : new Child(name, new DiskNode(ino, type, size, null));
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }
}
