package dev.pyro.engine.template;

import java.nio.file.Path;
import java.util.Map;

/**
 * A published warm template: a booted sandbox with a ready agent, saved. Its files are read-only
 * and never change; a new key makes a new directory.
 *
 * @param files the files it consists of and their sizes (a shorter file is a broken template)
 */
public record Template(TemplateKey key, Path dir, double createdAt, long buildMillis, Map<String, Long> files) {

    public Path file(String name) {
        return dir.resolve(name);
    }

    public String id() {
        return key.dirName();
    }
}
