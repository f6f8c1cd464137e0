package dev.pyro.cli.host;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What {@code pyro host print-config} produced: the rendered config, or the file it went into.
 *
 * @param changed with --output: whether the file was written (false: it already said this)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PrintedConfig(String host, String renderedConfig, String outputPath, Boolean changed,
        String backupPath, List<String> serverCommand) {
}
