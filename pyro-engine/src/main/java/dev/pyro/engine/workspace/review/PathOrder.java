package dev.pyro.engine.workspace.review;

import java.util.Comparator;

/**
 * Sorts paths by Unicode code point, as the reference's {@code sorted()} does. {@link String#compareTo}
 * compares UTF-16 units, which orders characters above U+FFFF before U+E000..U+FFFF.
 */
final class PathOrder {

    static final Comparator<String> COMPARATOR = PathOrder::compare;

    private PathOrder() {
    }

    static int compare(String a, String b) {
        int shared = Math.min(a.length(), b.length());
        for (int i = 0; i < shared; i++) {
            char ca = a.charAt(i);
            char cb = b.charAt(i);
            if (ca != cb) {
                return Integer.compare(codePointRank(ca), codePointRank(cb));
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    /**
     * Ranks a UTF-16 unit so that unit order equals code point order: surrogates (pairs encode
     * U+10000 and up) move above U+E000..U+FFFF. Equal prefixes mean a differing low surrogate
     * follows equal high ones, where unit order already is code point order.
     */
    private static int codePointRank(char c) {
        if (c < 0xD800) {
            return c;
        }
        return c >= 0xE000 ? c - 0x800 : c + 0x2000;
    }
}
