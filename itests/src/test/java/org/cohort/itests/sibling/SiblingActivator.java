package org.cohort.itests.sibling;

import org.cohort.api.serialization.SerializationService;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * A sibling bundle's activator: it registers its payload type when it starts and does nothing when it
 * stops, relying on Cohort to drop the registration with the bundle.
 */
public final class SiblingActivator implements BundleActivator {

    /** The sibling bundle's symbolic name. */
    public static final String SYMBOLIC_NAME = "org.cohort.itests.sibling";

    @Override
    public void start(BundleContext context) {
        ServiceReference<SerializationService> reference = context.getServiceReference(SerializationService.class);
        if (reference == null) {
            throw new IllegalStateException("SerializationService is not available");
        }
        context.getService(reference).register(SiblingPayload.TYPE_ID, SiblingPayload.class.getName());
    }

    @Override
    public void stop(BundleContext context) {
        // Nothing: the framework releases our services, and Cohort removes our registrations.
    }
}
