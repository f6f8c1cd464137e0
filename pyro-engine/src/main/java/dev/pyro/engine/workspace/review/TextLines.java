package dev.pyro.engine.workspace.review;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Text helpers shared by diff and patch. Lines end at {@code \n} only and keep it, so a last line
 * without a newline differs from the same line with one, and {@code \r} stays part of the content
 * (as in git; the reference's {@code splitlines} would also split on form feeds and U+2028).
 */
final class TextLines {

    private TextLines() {
    }

    /** The lines of {@code text}, each with its {@code \n}; the last one lacks it if the text does. */
    static List<String> split(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl + 1;
            lines.add(text.substring(start, end));
            start = end;
        }
        return lines;
    }

    /** Strict UTF-8 decoding; null when the bytes are not valid UTF-8. */
    static String decodeUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** The spec's "text": no NUL byte and valid UTF-8. Null when it is not text. */
    static String decodeText(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return null;
            }
        }
        return decodeUtf8(bytes);
    }

    /** The UTF-8 length of {@code text}, without allocating the encoded bytes. */
    static long utf8Length(CharSequence text) {
        long length = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                length += 1;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                length += 4;
                i++;
            } else {
                length += 3;
            }
        }
        return length;
    }
}
