package org.cohort.core.jmx;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanException;
import javax.management.MBeanInfo;
import javax.management.MBeanNotificationInfo;
import javax.management.ReflectionException;
import javax.management.openmbean.OpenMBeanAttributeInfo;
import javax.management.openmbean.OpenMBeanAttributeInfoSupport;
import javax.management.openmbean.OpenMBeanConstructorInfo;
import javax.management.openmbean.OpenMBeanInfoSupport;

import javax.management.openmbean.OpenMBeanOperationInfo;
import javax.management.openmbean.OpenType;

/**
 * An open MBean of flat, read-only attributes of simple types (numbers, text, booleans), so that
 * jconsole, jmxterm and any JMX client show them plainly, with a description each. The values are read
 * together by {@link #values()}, so that the attributes of one {@code getAttributes} call agree.
 */
abstract class ReadOnlyMBean implements DynamicMBean {

    /** One attribute: its name, what it means, and its open type. */
    record Definition(String name, String description, OpenType<?> type) {
        Definition {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(type, "type");
        }
    }

    private final MBeanInfo info;
    private final Set<String> names = new LinkedHashSet<>();

    ReadOnlyMBean(String description, List<Definition> definitions) {
        OpenMBeanAttributeInfo[] attributes = new OpenMBeanAttributeInfo[definitions.size()];
        for (int i = 0; i < attributes.length; i++) {
            Definition definition = definitions.get(i);
            if (!names.add(definition.name())) {
                throw new IllegalArgumentException("attribute " + definition.name() + " is defined twice");
            }
            attributes[i] = new OpenMBeanAttributeInfoSupport(definition.name(), definition.description(),
                    definition.type(), true, false, false);
        }
        info = new OpenMBeanInfoSupport(getClass().getName(), description, attributes,
                new OpenMBeanConstructorInfo[0], new OpenMBeanOperationInfo[0], new MBeanNotificationInfo[0]);
    }

    /**
     * Reads every attribute at once.
     *
     * @return the value of each attribute by name, of the attribute's open type
     * @throws MBeanException if the figures are no longer there to read
     */
    abstract Map<String, Object> values() throws MBeanException;

    /** Returns the attribute names, in the order they were defined. */
    final Set<String> attributeNames() {
        return Collections.unmodifiableSet(names);
    }

    @Override
    public final Object getAttribute(String attribute) throws AttributeNotFoundException, MBeanException {
        if (!names.contains(attribute)) {
            throw new AttributeNotFoundException("no attribute " + attribute);
        }
        return values().get(attribute);
    }

    @Override
    public final AttributeList getAttributes(String[] attributes) {
        AttributeList list = new AttributeList();
        Map<String, Object> values;
        try {
            values = values();
        } catch (MBeanException e) {
            return list; // as the contract asks: the attributes that could not be read are left out
        }
        for (String name : attributes) {
            if (names.contains(name)) {
                list.add(new Attribute(name, values.get(name)));
            }
        }
        return list;
    }

    @Override
    public final void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException("attribute " + attribute.getName() + " is read-only");
    }

    @Override
    public final AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public final Object invoke(String actionName, Object[] params, String[] signature) throws ReflectionException {
        throw new ReflectionException(new NoSuchMethodException(actionName), "this MBean has no operations");
    }

    @Override
    public final MBeanInfo getMBeanInfo() {
        return info;
    }
}
