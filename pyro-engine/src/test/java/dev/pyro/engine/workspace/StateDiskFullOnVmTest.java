package dev.pyro.engine.workspace;

/** {@link StateDiskFullTest} on a microVM: its disk overlay lives in the full state dir too. */
class StateDiskFullOnVmTest extends StateDiskFullTest {

    @Override
    String backend() {
        return "vm";
    }
}
