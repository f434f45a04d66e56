package org.cohort.core.jmx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.openmbean.SimpleType;
import org.cohort.core.stats.CohortStats;
import org.cohort.core.transport.PeerStats;

/**
 * What became of the messages this node sent on one subject, to every peer: the subject's row of
 * {@code cluster:stats}' subjects table ({@code --json}: {@code subjects.<subject>}), one attribute per
 * delivery counter, named as the peer MBeans name them (DeliverySent, DeliveryFailedBackNoHandler...).
 */
public final class SubjectDeliveryBean extends ReadOnlyMBean {

    /** The object name of every subject MBean, as a pattern. */
    public static final String OBJECT_NAME_PATTERN = "org.cohort:type=SubjectDelivery,name=*";

    private final String subject;
    private final CohortStats stats;

    SubjectDeliveryBean(String subject, CohortStats stats) {
        super("What became of the messages this node sent on one subject, to every peer (cluster:stats)",
                definitions());
        this.subject = Objects.requireNonNull(subject, "subject");
        this.stats = Objects.requireNonNull(stats, "stats");
    }

    private static List<Definition> definitions() {
        List<Definition> definitions = new ArrayList<>();
        definitions.add(new Definition("Subject", "The subject", SimpleType.STRING));
        for (String key : PeerStats.deliveryKeys()) {
            definitions.add(new Definition(ClusterBean.counterAttribute("delivery." + key),
                    "Messages sent on the subject: " + key, SimpleType.LONG));
        }
        return definitions;
    }

    /** The object name of a subject's MBean; the subject is quoted, as it may hold any character. */
    public static ObjectName objectName(String subject) {
        try {
            return new ObjectName("org.cohort:type=SubjectDelivery,name=" + ObjectName.quote(subject));
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("no object name for subject " + subject, e);
        }
    }

    @Override
    Map<String, Object> values() {
        Map<String, Long> delivery = stats.deliveryBySubject().getOrDefault(subject, Map.of());
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("Subject", subject);
        for (String key : PeerStats.deliveryKeys()) {
            values.put(ClusterBean.counterAttribute("delivery." + key), delivery.getOrDefault(key, 0L));
        }
        return values;
    }
}
