package org.cohort.itests;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import javax.inject.Inject;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.cohort.api.serialization.SerializationService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/**
 * A stock Apache Karaf, as a user downloads it: the user's two shell commands install Cohort, and
 * everything comes up.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StockKarafFeatureInstallIT {

    @Inject
    private BundleContext bundleContext;

    @Inject
    private SessionFactory sessionFactory;

    @Inject
    private FeaturesService featuresService;

    @Configuration
    public Option[] configuration() {
        return CohortKarafOptions.container(CohortKarafOptions.stockKaraf(), "Apache Karaf");
    }

    @Test
    public void featureRepoAddAndFeatureInstallBringUpCohort() throws Exception {
        assertFalse("stock Karaf does not ship Cohort", bundleContextHasCohort());

        ContainerChecks.executeCommand(sessionFactory, "feature:repo-add " + CohortKarafOptions.FEATURES_URL);
        ContainerChecks.executeCommand(sessionFactory, "feature:install cohort");
        String listed = ContainerChecks.executeCommand(sessionFactory, "feature:list -i");
        assertTrue("feature:list -i shows cohort:\n" + listed, listed.contains("cohort "));

        ContainerChecks.assertCohortFeatureBundlesActive(bundleContext, featuresService);
        ContainerChecks.assertOpenSslWired(bundleContext);
        ServiceComponentRuntime scr = ContainerChecks.awaitService(bundleContext, ServiceComponentRuntime.class);
        ContainerChecks.assertCohortComponentsSatisfied(bundleContext, scr);

        SerializationService serialization = ContainerChecks.awaitService(bundleContext, SerializationService.class);
        ContainerChecks.assertProbeTypeRoundTrips(serialization);
        ContainerChecks.assertUnregisteredTypeRefused(serialization);
        ContainerChecks.assertRegistrationCyclesLeaveNoTrace(serialization);
    }

    private boolean bundleContextHasCohort() {
        for (var bundle : bundleContext.getBundles()) {
            if (bundle.getSymbolicName() != null && bundle.getSymbolicName().startsWith("org.cohort.")) {
                return true;
            }
        }
        return false;
    }
}
