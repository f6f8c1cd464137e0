package dev.pyro.api.engine;

/** The params of an operation that takes none: {@code {}} on the wire; the engine does not read them. */
public record NoParams() {

    public static final NoParams INSTANCE = new NoParams();
}
