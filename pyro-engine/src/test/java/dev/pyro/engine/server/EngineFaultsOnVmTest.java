package dev.pyro.engine.server;

/** The kill -9 and corrupt-record cases of {@link EngineFaultsTest} on microVMs (QEMU; TCG here). */
class EngineFaultsOnVmTest extends EngineFaultsTest {

    @Override
    String backend() {
        return "vm";
    }
}
