package dev.pyro.agent;

import dev.pyro.protocol.AgentConnection;
import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real agent per test class, the conformance suites' shared fixture: on a static field of type
 * {@link AgentHarness} it injects the running agent ({@code pyro-agent --listen} in a temp dir), on
 * one of type {@link AgentConnection} a connection to it; after the class the agent is closed
 * (leftover processes killed first) and its dir removed.
 *
 * <pre>{@code @RealAgent static AgentHarness agent;
 * @RealAgent static AgentConnection conn;}</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
@ExtendWith(RealAgent.Extension.class)
@interface RealAgent {

    final class Extension implements BeforeAllCallback, AfterAllCallback {

        private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RealAgent.class);

        @Override
        public void beforeAll(ExtensionContext context) throws Exception {
            Path dir = Files.createTempDirectory("pyro-agent-test-");
            AgentHarness agent = AgentHarness.start(dir.resolve("agent"));
            context.getStore(NS).put("dir", dir);
            context.getStore(NS).put("agent", agent);
            for (Field field : context.getRequiredTestClass().getDeclaredFields()) {
                if (!field.isAnnotationPresent(RealAgent.class)) {
                    continue;
                }
                if (!Modifier.isStatic(field.getModifiers())) {
                    throw new IllegalStateException("@RealAgent field " + field.getName() + " must be static");
                }
                field.setAccessible(true);
                if (field.getType() == AgentHarness.class) {
                    field.set(null, agent);
                } else if (field.getType() == AgentConnection.class) {
                    field.set(null, agent.connect());
                } else {
                    throw new IllegalStateException("@RealAgent field " + field.getName()
                            + " must be an AgentHarness or an AgentConnection");
                }
            }
        }

        @Override
        public void afterAll(ExtensionContext context) throws IOException {
            AgentHarness agent = context.getStore(NS).remove("agent", AgentHarness.class);
            Path dir = context.getStore(NS).remove("dir", Path.class);
            try {
                if (agent != null) {
                    agent.close();
                }
            } finally {
                if (dir != null) {
                    try (Stream<Path> paths = Files.walk(dir)) {
                        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                            Files.deleteIfExists(p);
                        }
                    }
                }
            }
        }
    }
}
