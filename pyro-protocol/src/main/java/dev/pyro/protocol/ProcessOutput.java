package dev.pyro.protocol;

/**
 * Receives a process's output as it arrives, instead of the handle's streams. Called on the
 * connection's reader thread, in order: keep it quick and never block.
 */
public interface ProcessOutput {
    void onStdout(byte[] data);

    void onStderr(byte[] data);
}
