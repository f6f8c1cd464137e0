package dev.pyro.engine.server;

import dev.pyro.test.SandboxTest;

/** {@link EngineWorkspaceRecoveryTest} (kill -9 of the engine mid-exec) on a microVM (QEMU; TCG here). */
@SandboxTest
class EngineWorkspaceRecoveryOnVmTest extends EngineWorkspaceRecoveryTest {

    @Override
    String backend() {
        return "vm";
    }
}
