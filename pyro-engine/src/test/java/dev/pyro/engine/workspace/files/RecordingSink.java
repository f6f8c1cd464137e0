package dev.pyro.engine.workspace.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A {@link TreeSink} that records what it was asked to write, content included. */
final class RecordingSink implements TreeSink {

    final List<String> events = new ArrayList<>();
    boolean finished;

    @Override
    public void dir(String path, int mode, long mtimeNs) {
        events.add("dir " + path + " " + Integer.toOctalString(mode));
    }

    @Override
    public void file(String path, int mode, long mtimeNs, long length, InputStream content) {
        try {
            byte[] data = content.readNBytes((int) length);
            if (data.length != length) throw new IllegalStateException("short content for " + path);
            events.add("file " + path + " " + Integer.toOctalString(mode) + " " + new String(data, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void symlink(String path, String target, long mtimeNs) {
        events.add("symlink " + path + " -> " + target);
    }

    @Override
    public void finish() {
        finished = true;
    }
}
