package dev.pyro.engine.workspace.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PlainRendererTest {

    @Test
    void colorsAndTitlesAreDroppedAndCarriageReturnsOverwrite() {
        assertThat(PlainRenderer.render("\u001b]0;title\u0007\u001b[1;32mgreen\u001b[0m text\n")).isEqualTo("green text\n");
        assertThat(PlainRenderer.render("progress 10%\rprogress 99%\rdone        \n")).isEqualTo("done        \n");
        assertThat(PlainRenderer.render("abc\b\bX\n")).isEqualTo("aX\n");
    }

    @Test
    void eraseLineAndClearScreenAreHonoured() {
        assertThat(PlainRenderer.render("old line\r\u001b[2Knew\n")).isEqualTo("new\n");
        assertThat(PlainRenderer.render("gone\nalso gone\n\u001b[2Jfresh")).isEqualTo("fresh");
        assertThat(PlainRenderer.render("keep\u001b[K")).isEqualTo("keep");
    }

    @Test
    void otherControlsAreDroppedAndUnterminatedSequencesEndTheText() {
        assertThat(PlainRenderer.render("a\u0001b\tc\n")).isEqualTo("ab\tc\n");
        assertThat(PlainRenderer.render("before\u001b[31")).isEqualTo("before");
    }
}
