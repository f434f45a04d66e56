package org.cohort.core.serialization;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.util.DefaultClassResolver;

/**
 * Kryo's class resolver, except that bytes naming a class are refused. Kryo would load a class by its
 * name before checking that it is registered; every Cohort type travels as a registered id, so a name
 * on the wire can only be an attempt to load something else.
 */
final class NameRefusingClassResolver extends DefaultClassResolver {

    @Override
    protected Registration readName(Input input) {
        throw new KryoException("class names are refused on the wire; only registered type ids are accepted");
    }
}
