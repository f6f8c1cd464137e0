package dev.pyro.engine.workspace.review;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** An in-memory {@code /workspace}: the planner's lookup and the plan's target, recording both. */
final class MemoryWorkspace implements PatchTarget {

    final Map<String, byte[]> files = new TreeMap<>();
    final Set<String> directories = new HashSet<>();
    final List<String> lookups = new ArrayList<>();
    final List<String> operations = new ArrayList<>();

    static MemoryWorkspace of(Map<String, String> texts) {
        MemoryWorkspace workspace = new MemoryWorkspace();
        texts.forEach(workspace::put);
        return workspace;
    }

    MemoryWorkspace put(String relative, String text) {
        return putBytes(relative, text.getBytes(StandardCharsets.UTF_8));
    }

    MemoryWorkspace putBytes(String relative, byte[] bytes) {
        files.put("/workspace/" + relative, bytes);
        return this;
    }

    CurrentFile lookup(String path) {
        lookups.add(path);
        if (directories.contains(path)) {
            return CurrentFile.other("directory");
        }
        byte[] bytes = files.get(path);
        return bytes == null ? CurrentFile.missing() : CurrentFile.regular(bytes);
    }

    PatchPlan plan(String patch) {
        return PatchPlanner.plan(patch, TestPaths::normalize, this::lookup);
    }

    PatchPlan apply(String patch) {
        PatchPlan plan = plan(patch);
        plan.commit(this);
        return plan;
    }

    String text(String relative) {
        byte[] bytes = files.get("/workspace/" + relative);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    /** Every file as text, keyed by its path relative to /workspace. */
    Map<String, String> texts() {
        Map<String, String> texts = new TreeMap<>();
        files.forEach((path, bytes) -> texts.put(path.substring("/workspace/".length()),
                new String(bytes, StandardCharsets.UTF_8)));
        return texts;
    }

    @Override
    public void write(String path, String text) {
        operations.add("write " + path);
        files.put(path, text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void delete(String path) {
        operations.add("delete " + path);
        files.remove(path);
    }
}
