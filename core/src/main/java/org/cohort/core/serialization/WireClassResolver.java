package org.cohort.core.serialization;

import static org.cohort.api.serialization.SerializationService.FIRST_APPLICATION_TYPE_ID;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.util.DefaultClassResolver;

/**
 * Kryo's class resolver, except that bytes naming a class are refused and an unknown type id is reported
 * as a disagreement between nodes. Kryo would load a class by its name before checking that it is
 * registered; every Cohort type travels as a registered id, so a name on the wire can only be an attempt
 * to load something else.
 */
final class WireClassResolver extends DefaultClassResolver {

    /** Kryo writes a registration id as id + 2: 0 is null, 1 a class name. */
    static final int ID_OFFSET = 2;

    @Override
    protected Registration readName(Input input) {
        throw new KryoException("class names are refused on the wire; only registered type ids are accepted");
    }

    @Override
    public Registration readClass(Input input) {
        int start = input.position();
        int wireId = input.readVarInt(true);
        if (wireId >= ID_OFFSET && getRegistration(wireId - ID_OFFSET) == null) {
            throw new KryoException(unknownTypeId(wireId - ID_OFFSET));
        }
        input.setPosition(start);
        return super.readClass(input);
    }

    static String unknownTypeId(int typeId) {
        return "type id " + typeId + " is not registered on this node"
                + (typeId >= FIRST_APPLICATION_TYPE_ID
                        ? " (if the sending node has a type under it, the nodes' bundles disagree on their type ids)"
                        : "");
    }
}
