package dev.pyro.cli.workspace;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --secret-env SECRET[=ENV_VAR]} items as the SDK's secret → variable map. */
final class SecretEnv {

    private SecretEnv() {
    }

    static Map<String, String> parse(List<String> items) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String item : items) {
            int eq = item.indexOf('=');
            env.put(eq < 0 ? item : item.substring(0, eq), eq < 0 ? item : item.substring(eq + 1));
        }
        return env;
    }
}
