package dev.pyro.engine.workspace.files;

import dev.pyro.protocol.FileType;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** An in-memory guest file system; records every call so tests can assert what was (not) asked. */
final class FakeGuestFs implements GuestFs {

    static final long MTIME_NS = 1_700_000_000_123_456_789L;

    private final Map<String, GuestNode> nodes = new TreeMap<>();
    private final Map<String, byte[]> contents = new HashMap<>();
    private final Map<String, List<GuestNode>> listingOverrides = new HashMap<>();
    final List<String> calls = new ArrayList<>();

    FakeGuestFs() {
        dir("/workspace");
    }

    FakeGuestFs dir(String path) {
        return dir(path, 0755);
    }

    FakeGuestFs dir(String path, int mode) {
        parents(path);
        nodes.put(path, new GuestNode(name(path), FileType.DIRECTORY, 0, mode, MTIME_NS, null));
        return this;
    }

    FakeGuestFs file(String path, String content) {
        return file(path, content, 0644);
    }

    FakeGuestFs file(String path, String content, int mode) {
        parents(path);
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        nodes.put(path, new GuestNode(name(path), FileType.FILE, data.length, mode, MTIME_NS, null));
        contents.put(path, data);
        return this;
    }

    FakeGuestFs symlink(String path, String target) {
        parents(path);
        nodes.put(path, new GuestNode(name(path), FileType.SYMLINK, target.length(), 0777, MTIME_NS, target));
        return this;
    }

    FakeGuestFs special(String path, FileType type) {
        parents(path);
        nodes.put(path, new GuestNode(name(path), type, 0, 0644, MTIME_NS, null));
        return this;
    }

    /** Makes {@code list(dir)} answer exactly this, as a lying guest would. */
    FakeGuestFs listing(String dir, List<GuestNode> children) {
        listingOverrides.put(dir, children);
        return this;
    }

    @Override
    public GuestNode stat(String path) {
        calls.add("stat " + path);
        return nodes.get(path);
    }

    @Override
    public List<GuestNode> list(String directory) {
        calls.add("list " + directory);
        if (listingOverrides.containsKey(directory)) return listingOverrides.get(directory);
        List<GuestNode> children = new ArrayList<>();
        for (var e : nodes.entrySet()) {
            String p = e.getKey();
            if (p.startsWith(directory + "/") && p.indexOf('/', directory.length() + 1) < 0) children.add(e.getValue());
        }
        return children;
    }

    @Override
    public InputStream open(String path) {
        calls.add("open " + path);
        byte[] data = contents.get(path);
        if (data == null) throw new IllegalStateException("not a file: " + path);
        return new ByteArrayInputStream(data);
    }

    private void parents(String path) {
        String parent = path.substring(0, path.lastIndexOf('/'));
        if (parent.isEmpty() || nodes.containsKey(parent)) return;
        dir(parent);
    }

    private static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
