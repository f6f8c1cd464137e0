package dev.pyro.cli.output;

import dev.pyro.api.OutputListener;
import java.io.PrintStream;

/** A command's output as it arrives, straight to this process's stdout and stderr. */
public final class Passthrough {

    private Passthrough() {
    }

    public static OutputListener toStandardStreams() {
        PrintStream out = System.out;
        PrintStream err = System.err;
        return new OutputListener() {
            @Override
            public void stdout(byte[] data) {
                out.write(data, 0, data.length);
                out.flush();
            }

            @Override
            public void stderr(byte[] data) {
                err.write(data, 0, data.length);
                err.flush();
            }
        };
    }
}
