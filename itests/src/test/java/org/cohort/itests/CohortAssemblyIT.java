package org.cohort.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.streamBundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.apache.karaf.features.FeaturesService;
import org.cohort.api.serialization.SerializationService;
import org.cohort.itests.sibling.SiblingActivator;
import org.cohort.itests.sibling.SiblingPayload;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.tinybundles.TinyBundles;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/** Cohort's own Karaf distribution: it boots with Cohort, as a one-node cluster. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CohortAssemblyIT {

    @Inject
    private BundleContext bundleContext;

    @Inject
    private FeaturesService featuresService;

    @Inject
    private ServiceComponentRuntime scr;

    @Inject
    private SerializationService serialization;

    @Configuration
    public Option[] configuration() {
        Option sibling = streamBundle(siblingBundle()).startLevel(90).start(false);
        return Stream.concat(Arrays.stream(CohortKarafOptions.container(CohortKarafOptions.cohortAssembly(), "Cohort")),
                Stream.of(sibling)).toArray(Option[]::new);
    }

    /** A separate bundle, like a sibling of Cohort, that registers its payload type when started. */
    private static InputStream siblingBundle() {
        return TinyBundles.bundle()
                .symbolicName(SiblingActivator.SYMBOLIC_NAME)
                .setHeader(Constants.BUNDLE_MANIFESTVERSION, "2")
                .setHeader(Constants.BUNDLE_VERSION, "1.0.0")
                .setHeader(Constants.IMPORT_PACKAGE, "org.cohort.api.serialization,org.osgi.framework")
                .setHeader(Constants.BUNDLE_ACTIVATOR, SiblingActivator.class.getName())
                .addClass(SiblingActivator.class)
                .addClass(SiblingPayload.class)
                .build(TinyBundles.rawBuilder());
    }

    @Test
    public void everyCohortBundleIsActiveAndEveryComponentSatisfied() throws Exception {
        ContainerChecks.assertCohortFeatureBundlesActive(bundleContext, featuresService);
        ContainerChecks.assertCohortComponentsSatisfied(bundleContext, scr);
    }

    @Test
    public void aFreshUnpackCarriesTheOneNodeClusterConfiguration() throws IOException {
        Path file = Path.of(System.getProperty("karaf.etc"), "org.cohort.cluster.cfg");
        assertTrue(file + " exists", Files.isRegularFile(file));
        Properties config = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            config.load(in);
        }
        String nodeId = config.getProperty("node.id");
        assertNotNull("node.id is set", nodeId);
        assertEquals("the only member is this node on loopback", nodeId + "@127.0.0.1:9876",
                config.getProperty("members"));
    }

    @Test
    public void theProbeRegistersItsOwnTypeAndRoundTripsIt() {
        ContainerChecks.assertProbeTypeRoundTrips(serialization);
    }

    @Test
    public void anUnregisteredTypeIsRefused() {
        ContainerChecks.assertUnregisteredTypeRefused(serialization);
    }

    @Test
    public void registeringAndClosing20TimesLeavesNoStaleRegistration() {
        ContainerChecks.assertRegistrationCyclesLeaveNoTrace(serialization);
    }

    @Test
    public void aSiblingBundlesRegistrationGoesWithTheBundle20Times() throws Exception {
        Bundle sibling = Arrays.stream(bundleContext.getBundles())
                .filter(bundle -> SiblingActivator.SYMBOLIC_NAME.equals(bundle.getSymbolicName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("sibling bundle is not installed"));
        int id = SiblingPayload.TYPE_ID;
        String name = SiblingPayload.class.getName();
        for (int cycle = 0; cycle < 20; cycle++) {
            sibling.start();
            assertEquals("cycle " + cycle + ": registered while the sibling runs", name,
                    serialization.registeredTypes().get(id));
            sibling.stop();
            int stopped = cycle;
            await("cycle " + stopped + ": the sibling's type leaves with the bundle").atMost(ContainerChecks.DEADLINE)
                    .until(() -> !serialization.registeredTypes().containsKey(id));
        }
    }
}
