package org.cohort.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** The component's wiring against a recording stand-in for the framework: no OSGi framework runs. */
class ClusterConfigComponentTest {

    private static final Map<String, Object> VALID = Map.of("node.id", "a", "members", "a@10.0.0.1:9876",
            "service.pid", "org.cohort.cluster", "component.name", "x", "component.id", 3L);
    private static final Map<String, Object> LIVE_EDIT = Map.of("node.id", "a",
            "members", "a@10.0.0.1:9876,c@10.0.0.3:9876", "heartbeat.interval.ms", "200");
    private static final Map<String, Object> OTHER = Map.of("node.id", "b",
            "members", "a@10.0.0.1:9876,b@10.0.0.2:9876");
    private static final Map<String, Object> INVALID = Map.of("node.id", "a", "members", "a@10.0.0.1:0");

    private final FakeFramework framework = new FakeFramework();

    @Test
    void aValidConfigurationRegistersTheSettingsWithTheNodeId() throws Exception {
        new ClusterConfigComponent(framework.context(), VALID);

        assertThat(framework.events).containsExactly("register a");
        Registered registered = framework.live();
        assertThat(configuration(registered).settings()).isEqualTo(ClusterSettingsParser.parse(VALID));
        assertThat(configuration(registered).rejectedEdit()).isEmpty();
        assertThat(registered.properties.get("cohort.node.id")).isEqualTo("a");
        assertThat(registered.properties.get("cohort.cluster.name")).isEqualTo("cohort");
        assertThat(registered.type).isEqualTo(ClusterConfiguration.class);
    }

    private static ClusterConfiguration configuration(Registered registered) {
        return (ClusterConfiguration) registered.service;
    }

    @Test
    void anInvalidFirstConfigurationRegistersNothingAndLogsOneLine() {
        List<String> log = capturingStderr(() -> new ClusterConfigComponent(framework.context(), INVALID));

        assertThat(framework.events).isEmpty();
        assertThat(log).singleElement().asString()
                .contains("ERROR")
                .endsWith("org.cohort.cluster: members = 'a@10.0.0.1:0' refused: port 0 of a is not in 1..65535");
    }

    @Test
    void anInvalidEditKeepsTheRunningServiceAndSaysSo() {
        ClusterConfigComponent component = new ClusterConfigComponent(framework.context(), VALID);

        List<String> log = capturingStderr(() -> component.modified(INVALID));

        assertThat(framework.events).containsExactly("register a");
        assertThat(framework.live()).isNotNull();
        assertThat(log).singleElement().asString()
                .contains("ERROR", "members = 'a@10.0.0.1:0' refused")
                .endsWith("; keeping the running configuration");
        assertThat(configuration(framework.live()).rejectedEdit()).contains(new ClusterConfiguration.RejectedEdit(
                "members", "a@10.0.0.1:0", "port 0 of a is not in 1..65535"));
    }

    @Test
    void aRejectedEditIsForgottenOnceTheFileIsBackToTheValuesInForceOrAnEditIsAccepted() {
        ClusterConfigComponent component = new ClusterConfigComponent(framework.context(), VALID);
        ClusterConfiguration configuration = configuration(framework.live());

        capturingStderr(() -> component.modified(INVALID));
        component.modified(VALID);
        assertThat(configuration.rejectedEdit()).isEmpty();

        capturingStderr(() -> component.modified(INVALID));
        component.modified(LIVE_EDIT);
        assertThat(configuration.rejectedEdit()).isEmpty();
    }

    @Test
    void anEditThatKeepsTheIdentityIsAppliedLiveMembershipFirstAndTheServiceStays() throws Exception {
        ClusterConfigComponent component = new ClusterConfigComponent(framework.context(), VALID);
        Registered before = framework.live();
        ClusterConfiguration configuration = configuration(before);
        List<String> heard = new ArrayList<>();
        configuration.addListener(ClusterConfiguration.Stage.TRANSPORT,
                settings -> heard.add("transport " + settings.members().size()));
        configuration.addListener(ClusterConfiguration.Stage.MEMBERSHIP,
                settings -> heard.add("membership " + settings.members().size()));

        component.modified(LIVE_EDIT);

        assertThat(framework.events).containsExactly("register a");
        assertThat(framework.live()).isSameAs(before);
        assertThat(configuration.settings()).isEqualTo(ClusterSettingsParser.parse(LIVE_EDIT));
        assertThat(heard).containsExactly("membership 2", "transport 2");
    }

    @Test
    void anIdenticalEditLeavesTheServiceAlone() {
        ClusterConfigComponent component = new ClusterConfigComponent(framework.context(), VALID);
        Registered before = framework.live();

        component.modified(Map.of("node.id", "a ", "members", " a@10.0.0.1:9876", "io.workers", 3));

        assertThat(framework.events).containsExactly("register a");
        assertThat(framework.live()).isSameAs(before);
    }

    @Test
    void aChangedEditReplacesTheServiceOldOneFirst() throws Exception {
        ClusterConfigComponent component = new ClusterConfigComponent(framework.context(), VALID);

        component.modified(OTHER);

        assertThat(framework.events).containsExactly("register a", "unregister a", "register b");
        assertThat(configuration(framework.live()).settings()).isEqualTo(ClusterSettingsParser.parse(OTHER));
        assertThat(framework.live().properties.get("cohort.node.id")).isEqualTo("b");
    }

    @Test
    void aValidEditAfterAnInvalidFirstConfigurationRegisters() {
        ClusterConfigComponent component = new ClusterConfigComponent(framework.context(), INVALID);

        component.modified(VALID);

        assertThat(framework.events).containsExactly("register a");
    }

    @Test
    void deactivationUnregisters() {
        ClusterConfigComponent component = new ClusterConfigComponent(framework.context(), VALID);

        component.deactivate();

        assertThat(framework.events).containsExactly("register a", "unregister a");
        assertThat(framework.live()).isNull();
    }

    @Test
    void deactivationAfterTheFrameworkUnregisteredIsQuiet() {
        ClusterConfigComponent component = new ClusterConfigComponent(framework.context(), VALID);
        framework.live().registration.unregister();

        List<String> log = capturingStderr(component::deactivate);

        assertThat(log).isEmpty();
    }

    @Test
    void deactivationWithNothingRegisteredDoesNothing() {
        ClusterConfigComponent component = new ClusterConfigComponent(framework.context(), INVALID);

        component.deactivate();

        assertThat(framework.events).isEmpty();
    }

    /** Runs the action with stderr (where slf4j-simple logs) captured; returns the WARN/ERROR lines. */
    private static List<String> capturingStderr(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        original.print(text);
        return Arrays.stream(text.split("\\R")).filter(line -> !line.isEmpty() && !line.contains(" INFO ")
                && !line.contains(" DEBUG ")).toList();
    }

    /** One service registration the fake framework holds. */
    static final class Registered {
        Class<?> type;
        Object service;
        Dictionary<String, ?> properties;
        ServiceRegistration<?> registration;
    }

    /** Records registrations; an unregistered registration refuses a second unregister, as a framework does. */
    static final class FakeFramework {
        final List<String> events = new ArrayList<>();
        private Registered live;

        Registered live() {
            return live;
        }

        @SuppressWarnings("unchecked")
        BundleContext context() {
            return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                        if (method.getName().equals("registerService") && args[0] instanceof Class<?> type) {
                            return register(type, args[1], (Dictionary<String, ?>) args[2]);
                        }
                        throw new UnsupportedOperationException(method.toString());
                    });
        }

        private ServiceRegistration<?> register(Class<?> type, Object service, Dictionary<String, ?> properties) {
            Registered registered = new Registered();
            registered.type = type;
            registered.service = service;
            registered.properties = properties;
            String nodeId = String.valueOf(properties.get("cohort.node.id"));
            boolean[] gone = {false};
            registered.registration = (ServiceRegistration<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {ServiceRegistration.class}, (proxy, method, args) -> {
                        if (method.getName().equals("unregister")) {
                            if (gone[0]) {
                                throw new IllegalStateException("already unregistered");
                            }
                            gone[0] = true;
                            events.add("unregister " + nodeId);
                            if (live == registered) {
                                live = null;
                            }
                            return null;
                        }
                        throw new UnsupportedOperationException(method.toString());
                    });
            events.add("register " + nodeId);
            live = registered;
            return registered.registration;
        }
    }
}
