package dev.pyro.engine.server;

import dev.pyro.test.SandboxTest;

/** The kill -9 and corrupt-record cases of {@link EngineFaultsTest} on microVMs (QEMU; TCG here). */
@SandboxTest
class EngineFaultsOnVmTest extends EngineFaultsTest {

    @Override
    String backend() {
        return "vm";
    }
}
