package dev.pyro.engine.kernel;

import java.nio.file.Path;

/**
 * A built, installed guest kernel: what QEMU boots with {@code -kernel}.
 *
 * @param version        e.g. {@code 6.1.192-pyro-1a2b3c4d}; also the name of its cache dir
 * @param directory      {@code <cache>/kernels/linux-x86_64/<version>}
 * @param image          the bzImage inside {@code directory}
 * @param imageSizeBytes size of the bzImage as recorded when it was built
 * @param sourceVersion  Debian version of the {@code linux-source-6.1} package it was built from
 * @param configSha256   SHA-256 (hex) of the Kconfig fragment it was built with
 */
public record GuestKernel(
        String version,
        Path directory,
        Path image,
        long imageSizeBytes,
        String sourceVersion,
        String configSha256) {
}
