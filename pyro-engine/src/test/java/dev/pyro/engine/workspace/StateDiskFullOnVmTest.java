package dev.pyro.engine.workspace;

import dev.pyro.test.SandboxTest;

/** {@link StateDiskFullTest} on a microVM: its disk overlay lives in the full state dir too. */
@SandboxTest
class StateDiskFullOnVmTest extends StateDiskFullTest {

    @Override
    String backend() {
        return "vm";
    }
}
