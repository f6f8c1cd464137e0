package dev.pyro.engine.backend;

import dev.pyro.test.SandboxTest;

@SandboxTest
class VmBehaviourTest extends BackendBehaviourTest {
    @Override
    String backendName() {
        return "vm";
    }
}
