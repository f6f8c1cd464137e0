package dev.pyro.engine.server;

import dev.pyro.test.SandboxTest;

/** The isolation and load cases of {@link IsolationAndLoadTest} on microVMs (QEMU; TCG here). */
@SandboxTest
class IsolationAndLoadOnVmTest extends IsolationAndLoadTest {

    @Override
    String backend() {
        return "vm";
    }
}
