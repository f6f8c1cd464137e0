package dev.pyro.engine.backend;

class GvisorBehaviourTest extends BackendBehaviourTest {
    @Override
    String backendName() {
        return "gvisor";
    }
}
