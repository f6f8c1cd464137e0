package dev.pyro.engine.server;

/** The isolation and load cases of {@link IsolationAndLoadTest} on microVMs (QEMU; TCG here). */
class IsolationAndLoadOnVmTest extends IsolationAndLoadTest {

    @Override
    String backend() {
        return "vm";
    }
}
