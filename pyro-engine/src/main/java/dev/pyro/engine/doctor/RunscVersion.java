package dev.pyro.engine.doctor;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code runsc --version} says, and whether that runsc is new enough. Debian's bookworm runsc
 * (0.0~20221219) answers coreutils' {@code statx} with EINVAL, so {@code ls -l} and {@code stat}
 * fail in every guest; 0.0~20240729 (bookworm-backports) is the first release we measured working.
 * Debian spells the release {@code 0.0~YYYYMMDD.N}, upstream {@code release-YYYYMMDD.N}: both carry
 * the release date, which is what is compared.
 */
public record RunscVersion(String version, int releaseDate) {

    /** The oldest runsc release with a working {@code statx}, as Debian spells it. */
    public static final String MINIMUM = "0.0~20240729";
    static final int MINIMUM_DATE = 20240729;

    private static final Pattern LINE = Pattern.compile("runsc version (\\S+)");
    private static final Pattern DATE = Pattern.compile("(?:^|[~-])(\\d{8})(?:\\.|$)");

    /** Parses the first line of {@code runsc --version}; empty when it names no version. */
    public static Optional<RunscVersion> parse(String firstLine) {
        if (firstLine == null) {
            return Optional.empty();
        }
        Matcher line = LINE.matcher(firstLine.trim());
        if (!line.find()) {
            return Optional.empty();
        }
        String version = line.group(1);
        Matcher date = DATE.matcher(version);
        return Optional.of(new RunscVersion(version, date.find() ? Integer.parseInt(date.group(1)) : 0));
    }

    /** True when the release date is known and older than {@link #MINIMUM}. */
    public boolean tooOldForStat() {
        return releaseDate != 0 && releaseDate < MINIMUM_DATE;
    }

    /** The doctor's line for a runsc that is too old. */
    public String tooOldMessage() {
        return "runsc " + version + " is too old: ls -l and stat fail in guests (needs " + MINIMUM
                + " or newer, from bookworm-backports); run scripts/host-setup.sh (or pyro doctor --fix)";
    }
}
