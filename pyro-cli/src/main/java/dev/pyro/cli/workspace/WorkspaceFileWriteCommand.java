package dev.pyro.cli.workspace;

import dev.pyro.api.PyroException;
import dev.pyro.api.workspace.files.WorkspaceFilePayloads;
import dev.pyro.sdk.Pyro;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "write", mixinStandardHelpOptions = true,
        description = "Write a UTF-8 text file in /workspace (atomically; parents are created).")
final class WorkspaceFileWriteCommand extends WorkspaceIdCommand<WorkspaceFilePayloads.FileWrite> {

    @Parameters(index = "1", paramLabel = "PATH")
    String path;

    @ArgGroup(exclusive = true, multiplicity = "1")
    TextSource source;

    static final class TextSource {
        @Option(names = "--text", paramLabel = "TEXT", description = "The content.")
        String text;

        @Option(names = "--text-file", paramLabel = "HOSTPATH", description = "Read the content from a host file (UTF-8).")
        Path file;
    }

    @Override
    WorkspaceFilePayloads.FileWrite call(Pyro pyro, String id) {
        return pyro.writeWorkspaceFile(id, path, source.text != null ? source.text : readText(source.file, "--text-file"));
    }

    static String readText(Path file, String flag) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw PyroException.invalid(flag + " " + file + " cannot be read as UTF-8 text: " + e.getMessage());
        }
    }

    @Override
    void printHuman(PrintWriter out, WorkspaceFilePayloads.FileWrite write) {
        out.println("Wrote " + write.bytesWritten() + " bytes to " + write.path());
    }
}
