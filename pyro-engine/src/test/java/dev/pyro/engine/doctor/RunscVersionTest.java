package dev.pyro.engine.doctor;

import dev.pyro.api.doctor.DoctorReport;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunscVersionTest {

    @Test
    void debianBookwormRunscIsTooOldForStat() {
        RunscVersion v = RunscVersion.parse("runsc version 0.0~20221219.0").orElseThrow();
        assertThat(v.version()).isEqualTo("0.0~20221219.0");
        assertThat(v.tooOldForStat()).isTrue();
        assertThat(v.tooOldMessage()).startsWith("runsc 0.0~20221219.0 is too old: ls -l and stat fail in guests")
                .contains("run scripts/host-setup.sh");
    }

    @Test
    void backportsAndUpstreamReleasesAreNewEnough() {
        assertThat(RunscVersion.parse("runsc version 0.0~20240729.0").orElseThrow().tooOldForStat()).isFalse();
        assertThat(RunscVersion.parse("runsc version release-20250106.0").orElseThrow().tooOldForStat()).isFalse();
        assertThat(RunscVersion.parse("runsc version release-20231009.0").orElseThrow().tooOldForStat()).isTrue();
    }

    @Test
    void anUnknownVersionIsNotCalledTooOld() {
        assertThat(RunscVersion.parse("runsc version VERSION_MISSING").orElseThrow().tooOldForStat()).isFalse();
        assertThat(RunscVersion.parse("something else")).isEmpty();
        assertThat(RunscVersion.parse(null)).isEmpty();
    }

    @Test
    void theDoctorSaysPlainlyWhenRunscIsTooOld(@TempDir Path dir) throws Exception {
        // A stand-in for bookworm's runsc: old version, sandboxes start.
        Path fake = Files.writeString(dir.resolve("runsc"), """
                #!/bin/sh
                [ "$1" = --version ] && { echo 'runsc version 0.0~20221219.0'; echo 'spec: 1.0.2-dev'; }
                exit 0
                """);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        DoctorReport.Gvisor gvisor = Doctor.gvisor(fake);
        assertThat(gvisor.version()).isEqualTo("runsc version 0.0~20221219.0");
        assertThat(gvisor.release()).isEqualTo("0.0~20221219.0");
        assertThat(gvisor.tooOld()).isTrue();
        assertThat(gvisor.sandboxProbe()).isTrue();
        assertThat(gvisor.detail()).contains("ls -l and stat fail in guests");
    }

    @Test
    void thisHostsRunscIsNewEnough() {
        Path runsc = Path.of("/usr/bin/runsc");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(runsc), "runsc is not installed");
        DoctorReport.Gvisor gvisor = Doctor.gvisor(runsc);
        assertThat(gvisor.release()).as("runsc --version").isNotNull();
        assertThat(gvisor.tooOld()).as("runsc " + gvisor.release() + " is older than " + RunscVersion.MINIMUM
                + "; run scripts/host-setup.sh").isFalse();
    }
}
