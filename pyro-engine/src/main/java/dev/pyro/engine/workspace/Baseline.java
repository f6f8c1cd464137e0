package dev.pyro.engine.workspace;

import dev.pyro.engine.PyroException;
import dev.pyro.protocol.AgentConnection;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The immutable create-time content of {@code /workspace}: {@code baseline/workspace.tar}, made
 * from the seed at create, imported into the guest at create and at every reset, and the reference
 * of {@code diff}.
 */
final class Baseline {

    /** What an import wrote into the guest. */
    record Imported(long entryCount, long bytesWritten) {
    }

    private Baseline() {
    }

    static Path archive(Path workspaceDir) {
        return workspaceDir.resolve("baseline").resolve("workspace.tar");
    }

    /** Writes the baseline archive from the seed (none: an empty archive) and describes the seed. */
    static WorkspaceSeed prepare(Path seedPath, Path workspaceDir) throws IOException {
        Path archive = archive(workspaceDir);
        Files.createDirectories(archive.getParent());
        if (seedPath == null) {
            try (OutputStream out = Files.newOutputStream(archive);
                 TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
                tar.finish();
            }
            return WorkspaceSeed.empty();
        }
        throw PyroException.invalid("seed_path is not supported by this build yet");
    }

    /** Imports the archive into {@code destination} in the guest. */
    static Imported importInto(AgentConnection agent, Path archive, String destination) throws IOException {
        if (Files.size(archive) <= 1024 * 10) {
            return new Imported(0, 0); // an empty archive: nothing to write
        }
        throw PyroException.invalid("seed import is not supported by this build yet");
    }
}
