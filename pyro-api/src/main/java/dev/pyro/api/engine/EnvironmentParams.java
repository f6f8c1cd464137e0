package dev.pyro.api.engine;

public record EnvironmentParams(String environment, boolean withKernel) {
}
