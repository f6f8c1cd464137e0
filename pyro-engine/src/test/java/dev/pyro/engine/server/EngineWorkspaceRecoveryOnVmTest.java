package dev.pyro.engine.server;

/** {@link EngineWorkspaceRecoveryTest} (kill -9 of the engine mid-exec) on a microVM (QEMU; TCG here). */
class EngineWorkspaceRecoveryOnVmTest extends EngineWorkspaceRecoveryTest {

    @Override
    String backend() {
        return "vm";
    }
}
