package org.cohort.core.serialization;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/** Publishes the node's one serialization runtime to the per-bundle serialization views. */
@Component(service = KryoSerialization.class)
public class SerializationRuntimeComponent extends KryoSerialization {

    @Deactivate
    void deactivate() {
        clearPool();
    }
}
