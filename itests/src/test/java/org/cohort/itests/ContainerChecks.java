package org.cohort.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import javax.security.auth.Subject;
import org.apache.karaf.features.BundleInfo;
import org.apache.karaf.features.Dependency;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.cohort.api.serialization.SerializationException;
import org.cohort.api.serialization.SerializationService;
import org.cohort.api.serialization.TypeRegistration;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.namespace.HostNamespace;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.util.tracker.ServiceTracker;

/** What every container test checks, run inside Karaf by the probe. */
final class ContainerChecks {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final int PROBE_TYPE_ID = 1500;

    private ContainerChecks() {
    }

    /** Waits for a service the way a sibling bundle would get it, through its own context. */
    static <T> T awaitService(BundleContext context, Class<T> type) throws InterruptedException {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        T service = tracker.waitForService(DEADLINE.toMillis());
        assertNotNull(type.getName() + " is not published within " + DEADLINE, service);
        return service; // the tracker stays open: closing it would release the service
    }

    /** Runs a Karaf shell command as an admin, like a user at the console, and returns its output. */
    static String executeCommand(SessionFactory sessionFactory, String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            Session session = sessionFactory.create(System.in, out, out);
            Subject admin = new Subject();
            admin.getPrincipals().add(new UserPrincipal("karaf"));
            admin.getPrincipals().add(new RolePrincipal("admin"));
            admin.getPrincipals().add(new RolePrincipal("manager"));
            admin.getPrincipals().add(new RolePrincipal("viewer"));
            try {
                Subject.doAs(admin, (PrivilegedExceptionAction<Object>) () -> session.execute(command));
            } finally {
                session.close();
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * Every bundle of the cohort feature and of the features it includes is installed and Active; a
     * fragment (the native epoll library) is Resolved, the most a fragment gets, and attached to its host.
     */
    static void assertCohortFeatureBundlesActive(BundleContext context, FeaturesService features) throws Exception {
        Feature cohort = features.getFeature("cohort");
        assertNotNull("feature cohort is known", cohort);
        assertTrue("feature cohort is installed", features.isInstalled(cohort));
        List<String> locations = new ArrayList<>();
        collectBundleLocations(features, cohort, locations, new LinkedHashSet<>());
        assertTrue("cohort brings Kryo, Netty and its own bundles: " + locations, locations.size() >= 13);
        List<String> problems = new ArrayList<>();
        for (String location : locations) {
            Bundle bundle = context.getBundle(location);
            if (bundle == null) {
                problems.add(location + " is not installed");
            } else if (isFragment(bundle)) {
                BundleWiring wiring = bundle.adapt(BundleWiring.class);
                if (bundle.getState() != Bundle.RESOLVED || wiring == null
                        || wiring.getRequiredWires(HostNamespace.HOST_NAMESPACE).isEmpty()) {
                    problems.add("fragment " + bundle.getSymbolicName() + " is in state " + bundle.getState()
                            + " and attached to no host");
                }
            } else if (bundle.getState() != Bundle.ACTIVE) {
                problems.add(bundle.getSymbolicName() + " is in state " + bundle.getState());
            }
        }
        assertEquals("bundles of feature cohort that are not Active", List.of(), problems);
    }

    /**
     * Netty's OpenSSL engine is there for TLS: netty-handler's optional import of io.netty.internal.tcnative
     * is wired (it would stay unwired if netty-handler had resolved before the tcnative bundles came), and
     * the BoringSSL library loads through the fragment's Bundle-NativeCode.
     */
    static void assertOpenSslWired(BundleContext context) {
        Bundle handler = null;
        for (Bundle bundle : context.getBundles()) {
            if ("io.netty.handler".equals(bundle.getSymbolicName())) {
                handler = bundle;
            }
        }
        assertNotNull("netty-handler is installed", handler);
        boolean wired = handler.adapt(BundleWiring.class).getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)
                .stream().anyMatch(wire -> "io.netty.internal.tcnative".equals(
                        wire.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE)));
        assertTrue("netty-handler's import of io.netty.internal.tcnative is wired", wired);
        assertTrue("OpenSSL available in the container: " + io.netty.handler.ssl.OpenSsl.unavailabilityCause(),
                io.netty.handler.ssl.OpenSsl.isAvailable());
        assertEquals("BoringSSL", io.netty.handler.ssl.OpenSsl.versionString());
        assertTrue(io.netty.handler.ssl.SslProvider.isTlsv13Supported(io.netty.handler.ssl.SslProvider.OPENSSL));
    }

    private static boolean isFragment(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        return revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }

    private static void collectBundleLocations(FeaturesService features, Feature feature, List<String> locations,
            Set<String> seen) throws Exception {
        if (!seen.add(feature.getId())) {
            return;
        }
        for (BundleInfo bundle : feature.getBundles()) {
            locations.add(bundle.getLocation());
        }
        for (Dependency dependency : feature.getDependencies()) {
            if (dependency.getName().startsWith("cohort")) {
                collectBundleLocations(features, features.getFeature(dependency.getName(), dependency.getVersion()),
                        locations, seen);
            }
        }
    }

    /**
     * Every DS component in a Cohort bundle is enabled and satisfied (or already active), within the
     * deadline: after feature:install, Karaf's file installer takes a moment to hand over etc/ config.
     */
    static void assertCohortComponentsSatisfied(BundleContext context, ServiceComponentRuntime scr) {
        await("Cohort components satisfied").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertEquals("Cohort components not satisfied", List.of(),
                        componentProblems(context, scr)));
    }

    private static List<String> componentProblems(BundleContext context, ServiceComponentRuntime scr) {
        List<String> components = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getSymbolicName() == null || !bundle.getSymbolicName().startsWith("org.cohort.")) {
                continue;
            }
            for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
                components.add(description.name);
                if (!scr.isComponentEnabled(description)) {
                    problems.add(description.name + " is disabled");
                }
                var configurations = scr.getComponentConfigurationDTOs(description);
                if (configurations.isEmpty()) {
                    problems.add(description.name + " has no configuration");
                }
                for (ComponentConfigurationDTO configuration : configurations) {
                    if (configuration.state != ComponentConfigurationDTO.SATISFIED
                            && configuration.state != ComponentConfigurationDTO.ACTIVE) {
                        problems.add(description.name + " is in state " + configuration.state
                                + (configuration.failure == null ? "" : ": " + configuration.failure));
                    }
                }
            }
        }
        if (components.size() < 2) {
            problems.add("Cohort has too few DS components: " + components);
        }
        return problems;
    }

    /** The probe, as a sibling bundle, registers its own type and round-trips it. */
    static void assertProbeTypeRoundTrips(SerializationService serialization) {
        ProbePayload payload = new ProbePayload("flow-42", 7, List.of("a", "b"));
        try (TypeRegistration registration = serialization.register(PROBE_TYPE_ID, ProbePayload.class)) {
            assertEquals(ProbePayload.class.getName(), serialization.registeredTypes().get(PROBE_TYPE_ID));
            byte[] bytes = serialization.serialize(payload);
            assertEquals(payload, serialization.deserialize(bytes, ProbePayload.class));
            assertEquals(PROBE_TYPE_ID, registration.typeId());
        }
    }

    /** A type nobody registered is refused on the way out, and bytes naming it on the way in. */
    static void assertUnregisteredTypeRefused(SerializationService serialization) {
        SerializationException outbound = assertThrows(SerializationException.class,
                () -> serialization.serialize(new UnregisteredPayload("do not send")));
        assertTrue(outbound.getMessage(), outbound.getMessage().contains(UnregisteredPayload.class.getName()));

        byte[] bytes;
        try (TypeRegistration ignored = serialization.register(PROBE_TYPE_ID, ProbePayload.class)) {
            bytes = serialization.serialize(new ProbePayload("x", 1, List.of()));
        }
        assertThrows(SerializationException.class, () -> serialization.deserialize(bytes, Object.class));
    }

    /** Registering and closing 20 times leaves nothing behind, and nothing stale in pooled Kryo. */
    static void assertRegistrationCyclesLeaveNoTrace(SerializationService serialization) {
        SortedMap<Integer, String> before = serialization.registeredTypes();
        for (int cycle = 0; cycle < 20; cycle++) {
            byte[] bytes;
            try (TypeRegistration ignored = serialization.register(PROBE_TYPE_ID, ProbePayload.class)) {
                ProbePayload payload = new ProbePayload("cycle", cycle, List.of("c" + cycle));
                bytes = serialization.serialize(payload);
                assertEquals(payload, serialization.deserialize(bytes, ProbePayload.class));
            }
            assertFalse("cycle " + cycle + " left type " + PROBE_TYPE_ID + " registered",
                    serialization.registeredTypes().containsKey(PROBE_TYPE_ID));
            assertThrows(SerializationException.class, () -> serialization.deserialize(bytes, ProbePayload.class));
        }
        assertEquals(before, serialization.registeredTypes());
    }
}
