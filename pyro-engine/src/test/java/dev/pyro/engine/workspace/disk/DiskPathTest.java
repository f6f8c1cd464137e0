package dev.pyro.engine.workspace.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Disk paths (spec §8.1): absolute ones anywhere in the guest with {@code ..} popping, relative ones strict. */
class DiskPathTest {

    @Test
    void absolutePathsMayGoAnywhereAndDotDotPops() {
        assertThat(DiskPath.normalize(null)).isEqualTo("/workspace");
        assertThat(DiskPath.normalize("/")).isEqualTo("/");
        assertThat(DiskPath.normalize(" /etc//apt/./sources.list ")).isEqualTo("/etc/apt/sources.list");
        assertThat(DiskPath.normalize("/workspace/../etc")).isEqualTo("/etc");
        assertThat(DiskPath.normalize("/../../etc/..")).isEqualTo("/");
    }

    @Test
    void relativePathsStayInsideWorkspace() {
        assertThat(DiskPath.normalize("src/./main.c")).isEqualTo("/workspace/src/main.c");
        assertThat(DiskPath.normalize(".")).isEqualTo("/workspace");
        assertThatThrownBy(() -> DiskPath.normalize("src/../../etc")).hasMessage("workspace path must stay inside /workspace");
        assertThatThrownBy(() -> DiskPath.normalize("   ")).hasMessage("workspace disk path must not be empty");
        assertThatThrownBy(() -> DiskPath.normalize("/a\nb")).hasMessageContaining("line breaks");
    }

    @Test
    void debugfsArgumentsAreQuoted() {
        assertThat(Debugfs.quote("/a b/q\"x")).isEqualTo("\"/a b/q\"\"x\"");
    }

    @Test
    void lsLinesParseIntoChildren() {
        assertThat(DiskNode.Child.parse("/13/100644/0/0/q\"x/3/"))
                .isEqualTo(new DiskNode.Child("q\"x", new DiskNode(13, "regular", 3, null)));
        assertThat(DiskNode.Child.parse("/12/040755/0/0/a b//").node().isDirectory()).isTrue();
        assertThat(DiskNode.Child.parse("/2/040755/0/0/..//")).isNull();
        assertThat(DiskNode.Child.parse("/30/010644/0/0/fifo/0/")).isNull();
        assertThat(DiskNode.Child.parse("/30/010644/0/0/fifo/0/", true).node().type()).isEqualTo("other");
    }
}
