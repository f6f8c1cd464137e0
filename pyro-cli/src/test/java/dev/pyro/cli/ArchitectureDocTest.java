package dev.pyro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/architecture.md} stays true to the code, the way {@link ContractDocTest} keeps the
 * contract: it names every module of the build and every package of the product's code, and every
 * class or package it names exists. A rename that forgets the doc fails here.
 */
class ArchitectureDocTest {

    private static final Path ROOT = Path.of("..");
    private static final Path DOC = ROOT.resolve("docs/architecture.md");
    /** `SomeClass`, `SomeClass.member()`, `Outer.Inner`: a backticked name starting upper-case. */
    private static final Pattern CLASS_NAME = Pattern.compile("`([A-Z][A-Za-z0-9]+)(?:[.#][A-Za-z0-9_()]*)*`");
    private static final Pattern PACKAGE_NAME = Pattern.compile("`(dev\\.pyro(?:\\.[a-z0-9]+)+)(?:\\.[A-Z*][A-Za-z0-9]*)?`");
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");

    @Test
    void namesEveryModuleOfTheBuild() throws IOException {
        String doc = Files.readString(DOC);
        Matcher m = MODULE.matcher(Files.readString(ROOT.resolve("pom.xml")));
        List<String> missing = new ArrayList<>();
        while (m.find()) {
            if (!doc.contains("`" + m.group(1) + "`")) {
                missing.add(m.group(1));
            }
        }
        assertThat(missing).as("modules of pom.xml missing from docs/architecture.md").isEmpty();
    }

    @Test
    void namesEveryPackageOfTheProduct() throws IOException {
        String doc = Files.readString(DOC);
        List<String> missing = packages().stream()
                .filter(p -> !doc.contains("`" + p + "`") && !doc.contains("`" + p + "."))
                .toList();
        assertThat(missing).as("packages missing from docs/architecture.md").isEmpty();
    }

    @Test
    void everyClassAndPackageItNamesExists() throws IOException {
        String doc = Files.readString(DOC);
        Set<String> classes = new TreeSet<>();
        try (Stream<Path> files = Stream.concat(sources("main"), sources("test"))) {
            files.forEach(f -> classes.add(f.getFileName().toString().replace(".java", "")));
        }
        Set<String> packages = packages();
        List<String> unknown = new ArrayList<>();
        Matcher c = CLASS_NAME.matcher(doc);
        while (c.find()) {
            if (!classes.contains(c.group(1)) && !NOT_CLASSES.contains(c.group(1))) {
                unknown.add(c.group(1));
            }
        }
        Matcher p = PACKAGE_NAME.matcher(doc);
        while (p.find()) {
            String named = p.group(1);
            if (packages.stream().noneMatch(known -> known.equals(named) || known.startsWith(named + "."))) {
                unknown.add(named);
            }
        }
        assertThat(unknown).as("names in docs/architecture.md that are not in the code").isEmpty();
    }

    @Test
    void theCheckCanFail() {
        Matcher c = CLASS_NAME.matcher("the `NoSuchThing.call()` and `Pyro` and `x`");
        List<String> names = new ArrayList<>();
        while (c.find()) {
            names.add(c.group(1));
        }
        assertThat(names).containsExactly("NoSuchThing", "Pyro");
    }

    /** Backticked capitalised words of the doc that are not Java classes (states, files, env vars). */
    private static final Set<String> NOT_CLASSES = Set.of("INVALID_INPUT", "RUNTIME", "JSON", "PTY", "TAP", "QMP");

    private static Stream<Path> sources(String set) throws IOException {
        List<Path> roots = new ArrayList<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            modules.map(m -> m.resolve("src/" + set + "/java")).filter(Files::isDirectory).forEach(roots::add);
        }
        Stream<Path> all = Stream.empty();
        for (Path root : roots) {
            all = Stream.concat(all, Files.walk(root).filter(f -> f.toString().endsWith(".java")).toList().stream());
        }
        return all;
    }

    private static Set<String> packages() throws IOException {
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> files = sources("main")) {
            files.filter(f -> !f.getFileName().toString().equals("package-info.java")).forEach(f -> {
                Path rel = f;
                for (int i = 0; i < f.getNameCount(); i++) {
                    if (f.getName(i).toString().equals("java") && i > 1 && f.getName(i - 1).toString().equals("main")) {
                        rel = f.subpath(i + 1, f.getNameCount() - 1);
                        break;
                    }
                }
                packages.add(rel.toString().replace('/', '.'));
            });
        }
        return packages;
    }
}
