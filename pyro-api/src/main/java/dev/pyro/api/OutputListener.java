package dev.pyro.api;

/** Receives a command's output as it arrives (the CLI streams it; the MCP server and tests ignore it). */
public interface OutputListener {
    void stdout(byte[] data);

    void stderr(byte[] data);

    OutputListener NONE = new OutputListener() {
        @Override
        public void stdout(byte[] data) {
        }

        @Override
        public void stderr(byte[] data) {
        }
    };
}
