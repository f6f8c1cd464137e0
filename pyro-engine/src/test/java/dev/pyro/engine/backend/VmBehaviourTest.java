package dev.pyro.engine.backend;

class VmBehaviourTest extends BackendBehaviourTest {
    @Override
    String backendName() {
        return "vm";
    }
}
