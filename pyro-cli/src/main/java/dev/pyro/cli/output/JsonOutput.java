package dev.pyro.cli.output;

import dev.pyro.api.Json;
import java.io.PrintWriter;

/** {@code --json}: the structured payload, exactly as the SDK returns it, on stdout. */
public final class JsonOutput {

    private JsonOutput() {
    }

    public static void print(PrintWriter out, Object payload) {
        out.println(Json.PRETTY.writeValueAsString(payload));
        out.flush();
    }
}
