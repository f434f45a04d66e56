package org.cohort.core.serialization;

import org.osgi.framework.Bundle;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;
import org.cohort.api.serialization.SerializationService;

/**
 * Gives each bundle that uses {@link SerializationService} its own view (bundle scope), so that its
 * type registrations load through its class loader and go away when it stops or releases the service.
 */
@Component(service = SerializationService.class, scope = ServiceScope.BUNDLE)
public class SerializationServiceComponent extends OwnedSerializationService {

    @Activate
    public SerializationServiceComponent(@Reference KryoSerialization runtime, ComponentContext context) {
        super(runtime, describe(context.getUsingBundle()), context.getUsingBundle()::loadClass);
    }

    @Deactivate
    void deactivate() {
        close();
    }

    private static String describe(Bundle bundle) {
        return "bundle " + bundle.getSymbolicName() + " [" + bundle.getBundleId() + "]";
    }
}
