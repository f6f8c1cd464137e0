package dev.pyro.engine.workspace.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.PyroException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkspacePathTest {

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "src/app.py          | /workspace/src/app.py",
        "/workspace          | /workspace",
        "/workspace/         | /workspace",
        ".                   | /workspace",
        "./a//b/./c/         | /workspace/a/b/c",
        "\"  spaced.txt  \"  | /workspace/spaced.txt",
        "//workspace//x      | /workspace/x",
        "workspace           | /workspace/workspace",
        "a..b/...            | /workspace/a..b/...",
        "/workspace/.hidden  | /workspace/.hidden",
    })
    void normalisesInsideWorkspace(String raw, String expected) {
        assertThat(WorkspacePath.of(raw).value()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{1}=[{0}]")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "../etc/passwd      | path  | workspace path must stay inside /workspace",
        "/etc/passwd        | path  | workspace path must stay inside /workspace",
        "/workspacex        | path  | workspace path must stay inside /workspace",
        "/                  | path  | workspace path must stay inside /workspace",
        "a/../b             | path  | workspace path must stay inside /workspace",
        "/workspace/..      | path  | workspace path must stay inside /workspace",
        "/workspace/../etc  | path  | workspace path must stay inside /workspace",
        "\"\"               | path  | workspace path must not be empty",
        "\"   \"            | path  | workspace path must not be empty",
        "/tmp               | dest  | workspace destination must stay inside /workspace",
        "\"\"               | dest  | workspace destination must not be empty",
        "../x               | cwd   | cwd must stay inside /workspace",
        "/srv/out           | ready_file | ready_file must stay inside /workspace",
    })
    void refusesEscapesNamingTheField(String raw, String field, String message) {
        assertThatThrownBy(() -> WorkspacePath.normalize(raw, field))
                .isInstanceOf(PyroException.class)
                .hasMessage(message)
                .extracting(e -> ((PyroException) e).kind()).isEqualTo(PyroException.Kind.INVALID_INPUT);
    }

    @Test
    void refusesNullNulAndOverlongPaths() {
        assertThatThrownBy(() -> WorkspacePath.of(null)).hasMessage("workspace path must not be empty");
        assertThatThrownBy(() -> WorkspacePath.of("a\0b")).hasMessage("workspace path must not contain NUL bytes");
        String longName = "n".repeat(256);
        assertThatThrownBy(() -> WorkspacePath.of(longName))
                .hasMessage("workspace path has a name longer than 255 bytes: " + longName);
        String deep = "abcdefgh/".repeat(460);
        assertThatThrownBy(() -> WorkspacePath.of(deep)).hasMessage("workspace path is too long: at most 4096 bytes");
    }

    @Test
    void exposesRelativePartChainAndResolve() {
        WorkspacePath p = WorkspacePath.of("a/b/c");
        assertThat(p.relative()).isEqualTo("a/b/c");
        assertThat(p.name()).isEqualTo("c");
        assertThat(p.chain()).containsExactly("/workspace", "/workspace/a", "/workspace/a/b", "/workspace/a/b/c");
        assertThat(WorkspacePath.ROOT.relative()).isEmpty();
        assertThat(WorkspacePath.ROOT.chain()).containsExactly("/workspace");
        assertThat(WorkspacePath.ROOT.resolve("x/y")).isEqualTo(WorkspacePath.of("x/y"));
        assertThatThrownBy(() -> new WorkspacePath("/etc")).isInstanceOf(IllegalArgumentException.class);
    }
}
