package dev.pyro.engine.workspace;

import dev.pyro.api.workspace.WorkspaceExecResult;
import dev.pyro.api.workspace.WorkspaceRequest;
import dev.pyro.api.workspace.SecretInfo;
import dev.pyro.api.OutputListener;
import dev.pyro.api.workspace.SecretSpec;
import dev.pyro.api.workspace.WorkspaceInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.Progress;
import dev.pyro.test.SandboxTest;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Secrets live only in the guest and every output Pyro keeps or returns shows [REDACTED]. */
@SandboxTest
class WorkspaceSecretsTest {

    static final String TOKEN = "tok-3f9a-very-secret";
    static final String FILE_SECRET = "file-secret-value-42";

    GvisorManager gvisor;
    Path state;
    WorkspaceManager manager;

    @BeforeEach
    void setUp() throws Exception {
        gvisor = GvisorManager.open("pyro-secrets-", 4);
        state = gvisor.state;
        manager = gvisor.manager;
    }

    @AfterEach
    void tearDown() throws Exception {
        if (gvisor != null) {
            gvisor.close();
        }
    }

    WorkspaceRequest request(List<SecretSpec> secrets) {
        return WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT).withBackend("gvisor", false).withSecrets(secrets);
    }

    @Test
    void aSecretReachesTheCommandButNoOutputRecordOrJournal() throws Exception {
        Path file = Files.writeString(state.resolve("token.txt"), FILE_SECRET);
        WorkspaceInfo ws = manager.create(request(List.of(SecretSpec.literal("API_TOKEN", TOKEN),
                SecretSpec.file("FILE_TOKEN", file.toString()))), Progress.NONE);
        String id = ws.workspaceId();
        assertThat(ws.secrets()).extracting(SecretInfo::name, SecretInfo::sourceKind)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("API_TOKEN", "literal"),
                        org.assertj.core.groups.Tuple.tuple("FILE_TOKEN", "file"));

        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        OutputListener listener = new OutputListener() {
            @Override
            public void stdout(byte[] data) {
                streamed.writeBytes(data);
            }

            @Override
            public void stderr(byte[] data) {
                streamed.writeBytes(data);
            }
        };
        WorkspaceExecResult result = manager.exec(id, "echo \"token=$TOKEN\"; echo " + FILE_SECRET + " >&2; "
                + "test \"$(cat /run/pyro-secrets/API_TOKEN)\" = '" + TOKEN + "' && echo guest-file-matches",
                30, Map.of("API_TOKEN", "TOKEN"), listener);
        assertThat(result.stdout()).isEqualTo("token=[REDACTED]\nguest-file-matches\n");
        // (gVisor's statx on its tmpfs fails here, so the mode is read through the agent's own stat)
        assertThat(manager.agent(manager.live(id)).files().stat("/run/pyro-secrets/API_TOKEN").mode() & 0777).isEqualTo(0600);
        assertThat(result.stderr()).isEqualTo("[REDACTED]\n");
        assertThat(result.command()).doesNotContain(TOKEN).doesNotContain(FILE_SECRET).contains("[REDACTED]");
        assertThat(streamed.toString()).doesNotContain(TOKEN).doesNotContain(FILE_SECRET).contains("[REDACTED]");
        assertThat(manager.logs(id).entries().get(0).stdout()).isEqualTo("token=[REDACTED]\nguest-file-matches\n");

        // Nothing under the workspace's host dir holds a value, except the 0600 secret copies.
        try (Stream<Path> files = Files.walk(state.resolve("workspaces").resolve(id))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (f.getParent().getFileName().toString().equals("secrets")) {
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
                    continue;
                }
                if (f.toString().contains("/runtime/")) {
                    continue; // the sandbox's own disk and runtime
                }
                String text = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertThat(text).as(f.toString()).doesNotContain(TOKEN).doesNotContain(FILE_SECRET);
            }
        }
        // Secrets are not under /workspace, so diffs never show them; they come back after stop/start.
        assertThat(new WorkspaceFiles(manager.context()).diff(id).changed()).isFalse();
        manager.stop(id);
        manager.start(id);
        assertThat(manager.exec(id, "cat /run/pyro-secrets/FILE_TOKEN", 30, OutputListener.NONE).stdout())
                .isEqualTo("[REDACTED]");
    }

    @Test
    void badSecretsAreRefusedAndLeaveNoWorkspace() {
        assertThatThrownBy(() -> manager.create(request(List.of(SecretSpec.literal("1BAD", "x"))), Progress.NONE))
                .hasMessage("secret name must match ^[A-Za-z_][A-Za-z0-9_]{0,63}$");
        assertThatThrownBy(() -> manager.create(request(List.of(SecretSpec.literal("BIG", "x".repeat(65537)))),
                Progress.NONE)).hasMessage("secret 'BIG' must be at most 65536 bytes");
        assertThatThrownBy(() -> manager.create(request(List.of(SecretSpec.literal("A", "1"),
                SecretSpec.literal("A", "2"))), Progress.NONE)).hasMessage("duplicate secret name: A");
        assertThatThrownBy(() -> manager.create(request(List.of(SecretSpec.file("F", "/nonexistent/x"))),
                Progress.NONE)).hasMessage("secret file for 'F' does not exist: /nonexistent/x");
        // size 0 by stat, endless by read: read whole it filled the engine's memory
        assertThatThrownBy(() -> manager.create(request(List.of(SecretSpec.file("Z", "/dev/zero"))),
                Progress.NONE)).hasMessage("secret 'Z' must be at most 65536 bytes");
        assertThat(manager.list().count()).isZero();

        String id = manager.create(request(List.of(SecretSpec.literal("ONE", "v1"))), Progress.NONE).workspaceId();
        assertThatThrownBy(() -> manager.exec(id, "true", 30, Map.of("TWO", "X"), OutputListener.NONE))
                .hasMessage("secret_env references unknown workspace secret 'TWO'");
    }
}
