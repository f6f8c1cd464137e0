package dev.pyro.api.engine;

/** {@code pyro prepare}: {@code backend} as the client resolved it (null: auto). */
public record PrepareParams(String environment, boolean network, boolean force, String backend) {
}
