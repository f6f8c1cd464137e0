package dev.pyro.cli.run;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The command after {@code --}: one token is a shell command line as written
 * ({@code -- "make && make test"}); several tokens are quoted so their boundaries survive
 * {@code sh -lc} ({@code -- printf '%s\n' "a b"}).
 */
public final class ShellWords {

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private ShellWords() {
    }

    public static String join(List<String> tokens) {
        if (tokens.size() == 1) {
            return tokens.get(0);
        }
        return tokens.stream().map(ShellWords::quote).collect(Collectors.joining(" "));
    }

    /** Every token quoted where the shell needs it, even a single one. */
    public static String quoteAll(List<String> tokens) {
        return tokens.stream().map(ShellWords::quote).collect(Collectors.joining(" "));
    }

    static String quote(String token) {
        if (!token.isEmpty() && SAFE.matcher(token).matches()) {
            return token;
        }
        return "'" + token.replace("'", "'\"'\"'") + "'";
    }
}
