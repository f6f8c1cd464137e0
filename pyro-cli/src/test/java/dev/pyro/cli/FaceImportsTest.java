package dev.pyro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The faces (CLI, MCP server, example programs) see only {@code dev.pyro.sdk} and {@code dev.pyro.api}
 * types (issue 3/8): no face source names the engine's package, and no public signature of the SDK
 * (methods, constructors, fields, supertypes) names an engine type. The engine can then change inside
 * without a face noticing, and the SDK is the boundary it claims to be.
 */
class FaceImportsTest {

    static final String ENGINE = "dev.pyro.engine";

    private static final Path ROOT = Path.of("..");
    /** Face sources: the CLI, the MCP server, the examples. */
    private static final List<Path> FACES = List.of(
            ROOT.resolve("pyro-cli/src/main/java"),
            ROOT.resolve("pyro-mcp/src/main/java"),
            ROOT.resolve("examples/src/main/java"));
    private static final Path SDK = ROOT.resolve("pyro-sdk/src/main/java");

    @Test
    void noFaceSourceNamesTheEngine() throws IOException {
        List<Path> sources = new ArrayList<>();
        for (Path dir : FACES) {
            sources.addAll(javaFiles(dir));
        }
        // a wrong root would find nothing and pass: the CLI alone has well over 50 sources
        assertThat(sources).as("face sources found").hasSizeGreaterThan(50);
        List<String> found = new ArrayList<>();
        for (Path file : sources) {
            found.addAll(engineMentions(ROOT.relativize(file).toString(), Files.readString(file)));
        }
        assertThat(found).as("face sources that name " + ENGINE + " (use dev.pyro.sdk or dev.pyro.api)").isEmpty();
    }

    @Test
    void noPublicSignatureOfTheSdkNamesAnEngineType() throws Exception {
        List<Class<?>> types = new ArrayList<>();
        for (Path file : javaFiles(SDK)) {
            String name = SDK.relativize(file).toString().replace('/', '.').replaceAll("\\.java$", "");
            if (!name.endsWith("package-info")) {
                types.add(Class.forName(name, false, getClass().getClassLoader()));
            }
        }
        assertThat(types).as("SDK types found").isNotEmpty();
        List<String> found = new ArrayList<>();
        for (Class<?> type : types) {
            found.addAll(engineSignatures(type));
        }
        assertThat(found).as("public SDK signatures that name an engine type (return dev.pyro.api or sdk types)")
                .isEmpty();
    }

    // ------------------------------------------------------------------ the checks can fail

    @Test
    void aFaceSourceThatNamesTheEngineIsCaught() {
        String source = """
                package dev.pyro.cli.fake;

                import dev.pyro.sdk.Pyro;
                import dev.pyro.engine.config.OwnedPaths;
                import static dev.pyro.engine.environment.EnvironmentCatalog.get;
                import dev.pyro.engine.workspace.*;

                final class Fake {
                    Object defaults() {
                        return dev.pyro.engine.workspace.shell.WorkspaceShells.class;
                    }
                }
                """;
        assertThat(engineMentions("Fake.java", source)).containsExactly(
                "Fake.java:4: import dev.pyro.engine.config.OwnedPaths;",
                "Fake.java:5: import static dev.pyro.engine.environment.EnvironmentCatalog.get;",
                "Fake.java:6: import dev.pyro.engine.workspace.*;",
                "Fake.java:10: return dev.pyro.engine.workspace.shell.WorkspaceShells.class;");
        assertThat(engineMentions("Clean.java", "package dev.pyro.cli;\nimport dev.pyro.sdk.Pyro;\n"
                + "import dev.pyro.api.Defaults; // dev.pyro.engineering is not the engine\n")).isEmpty();
    }

    /** An SDK-like type whose public surface leaks engine types in each place a signature can. */
    public abstract static class LeakyFacade implements dev.pyro.engine.backend.SandboxBackend {
        public dev.pyro.engine.backend.SandboxRecord record;

        public LeakyFacade(dev.pyro.engine.backend.SandboxRecord record) {
            this.record = record;
        }

        public List<dev.pyro.engine.backend.SandboxBackend> backends() {
            return List.of();
        }

        public void accept(dev.pyro.engine.backend.SandboxRecord record) {
        }

        /** Not public: not part of the SDK's surface, so not reported. */
        void internal(dev.pyro.engine.backend.SandboxRecord record) {
        }
    }

    /** A public type without a leak. */
    public record CleanFacade(String name, List<Integer> sizes) {
        public static CleanFacade of(String name) {
            return new CleanFacade(name, List.of());
        }
    }

    @Test
    void anSdkSignatureThatNamesAnEngineTypeIsCaught() {
        List<String> found = engineSignatures(LeakyFacade.class);
        assertThat(found).hasSize(5);
        assertThat(found).anyMatch(s -> s.contains("extends dev.pyro.engine.backend.SandboxBackend"))
                .anyMatch(s -> s.contains("field public dev.pyro.engine.backend.SandboxRecord"))
                .anyMatch(s -> s.contains("LeakyFacade(dev.pyro.engine.backend.SandboxRecord)"))
                .anyMatch(s -> s.contains("List<dev.pyro.engine.backend.SandboxBackend>") && s.contains("backends()"))
                .anyMatch(s -> s.contains("accept(dev.pyro.engine.backend.SandboxRecord)"))
                .noneMatch(s -> s.contains("internal("));
        assertThat(engineSignatures(CleanFacade.class)).isEmpty();
    }

    // ------------------------------------------------------------------ the checks

    /** Each line of {@code source} that names the engine's package (imports, static imports, qualified names). */
    static List<String> engineMentions(String fileName, String source) {
        List<String> found = new ArrayList<>();
        String[] lines = source.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].matches(".*\\b" + ENGINE.replace(".", "\\.") + "\\b.*")) {
                found.add(fileName + ":" + (i + 1) + ": " + lines[i].strip());
            }
        }
        return found;
    }

    /** The public surface of {@code type} (and its public nested types) that names an engine type. */
    static List<String> engineSignatures(Class<?> type) {
        List<String> found = new ArrayList<>();
        if (!Modifier.isPublic(type.getModifiers())) {
            return found;
        }
        List<Type> supertypes = new ArrayList<>(List.of(type.getGenericInterfaces()));
        if (type.getGenericSuperclass() != null) {
            supertypes.add(type.getGenericSuperclass());
        }
        for (Type supertype : supertypes) {
            if (supertype.getTypeName().contains(ENGINE + ".")) {
                found.add(type.getName() + " extends " + supertype.getTypeName());
            }
        }
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            if (exposed(c.getModifiers(), c.isSynthetic()) && c.toGenericString().contains(ENGINE + ".")) {
                found.add(c.toGenericString());
            }
        }
        for (Method m : type.getDeclaredMethods()) {
            if (exposed(m.getModifiers(), m.isSynthetic() || m.isBridge()) && m.toGenericString().contains(ENGINE + ".")) {
                found.add(m.toGenericString());
            }
        }
        for (Field f : type.getDeclaredFields()) {
            if (exposed(f.getModifiers(), f.isSynthetic()) && f.toGenericString().contains(ENGINE + ".")) {
                found.add("field " + f.toGenericString());
            }
        }
        for (Class<?> nested : type.getDeclaredClasses()) {
            found.addAll(engineSignatures(nested));
        }
        return found;
    }

    /** Public or protected: what a user of the SDK can call or override. */
    private static boolean exposed(int modifiers, boolean synthetic) {
        return !synthetic && (Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers));
    }

    private static List<Path> javaFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }
}
