package dev.pyro.engine.workspace.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatNoException;

import org.junit.jupiter.api.Test;

class SymlinkCheckTest {

    FakeGuestFs guest = new FakeGuestFs()
            .dir("/workspace/sub")
            .file("/workspace/file", "x")
            .symlink("/workspace/etc", "/etc")
            .symlink("/workspace/in", "sub")
            .symlink("/workspace/abs-in", "/workspace/sub")
            .symlink("/workspace/up", "..")
            .symlink("/workspace/loop-a", "loop-b")
            .symlink("/workspace/loop-b", "loop-a")
            .symlink("/workspace/dot", ".")
            .symlink("/workspace/sneaky", "dot/dot/../..")
            .symlink("/workspace/via-etc", "/etc/../workspace/sub");

    @Test
    void refusesAnySymlinkedParent() {
        assertThatThrownBy(() -> SymlinkCheck.refuseSymlinkedParents(guest, WorkspacePath.of("etc/passwd"), "path"))
                .hasMessage("workspace path would traverse through a symlinked parent: /workspace/etc/passwd");
        // even a link that stays inside: the spec refuses traversal, not only escape
        assertThatThrownBy(() -> SymlinkCheck.refuseSymlinkedParents(guest, WorkspacePath.of("in/x"), "dest"))
                .hasMessage("workspace destination would traverse through a symlinked parent: /workspace/in/x");
        assertThatThrownBy(() -> SymlinkCheck.refuseSymlinkedParents(guest, WorkspacePath.of("file/x"), "path"))
                .hasMessage("workspace path has a parent that is not a directory: /workspace/file/x");
    }

    @Test
    void acceptsLinksAtTheEndAndMissingParents() {
        assertThatNoException().isThrownBy(() -> SymlinkCheck.refuseSymlinkedParents(guest, WorkspacePath.of("etc"), "path"));
        assertThatNoException().isThrownBy(() -> SymlinkCheck.refuseSymlinkedParents(guest, WorkspacePath.of("sub/new/deeper/x"), "path"));
        // the walk stops at the first missing component
        assertThat(guest.calls).doesNotContain("stat /workspace/sub/new/deeper");
    }

    @Test
    void resolvesLinksThatStayInside() {
        assertThat(SymlinkCheck.resolveInside(guest, WorkspacePath.of("in/x"), "path").value()).isEqualTo("/workspace/sub/x");
        assertThat(SymlinkCheck.resolveInside(guest, WorkspacePath.of("abs-in"), "path").value()).isEqualTo("/workspace/sub");
        assertThat(SymlinkCheck.resolveInside(guest, WorkspacePath.of("dot/dot/sub"), "path").value()).isEqualTo("/workspace/sub");
        assertThat(SymlinkCheck.resolveInside(guest, WorkspacePath.of("missing/x"), "path").value()).isEqualTo("/workspace/missing/x");
    }

    @Test
    void refusesLinksThatLeave() {
        assertThatThrownBy(() -> SymlinkCheck.resolveInside(guest, WorkspacePath.of("etc/passwd"), "path"))
                .hasMessage("workspace path resolves outside /workspace through symlink /workspace/etc: /workspace/etc/passwd");
        assertThatThrownBy(() -> SymlinkCheck.resolveInside(guest, WorkspacePath.of("up/etc"), "cwd"))
                .hasMessage("cwd resolves outside /workspace through symlink /workspace/up: /workspace/up/etc");
        // lexically "dot/dot/../.." is "." — physically it climbs two levels above /workspace
        assertThatThrownBy(() -> SymlinkCheck.resolveInside(guest, WorkspacePath.of("sneaky"), "path"))
                .hasMessageStartingWith("workspace path resolves outside /workspace through symlink /workspace/");
        // passing through /etc on the way back in is refused too
        assertThatThrownBy(() -> SymlinkCheck.resolveInside(guest, WorkspacePath.of("via-etc"), "path"))
                .hasMessage("workspace path resolves outside /workspace through symlink /workspace/via-etc: /workspace/via-etc");
    }

    @Test
    void refusesLinkLoops() {
        assertThatThrownBy(() -> SymlinkCheck.resolveInside(guest, WorkspacePath.of("loop-a/x"), "path"))
                .hasMessage("workspace path has too many levels of symbolic links: /workspace/loop-a/x");
    }
}
