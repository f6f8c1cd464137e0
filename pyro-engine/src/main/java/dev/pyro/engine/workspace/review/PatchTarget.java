package dev.pyro.engine.workspace.review;

/** Where the engine carries out a validated plan: the guest's file write and delete actions. */
public interface PatchTarget {

    void write(String path, String text);

    void delete(String path);
}
