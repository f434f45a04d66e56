package org.cohort.core.shell;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.cohort.core.stats.CohortStats;
import org.cohort.shell.JsonAction;

/**
 * What every {@code cluster:} command adds to {@link JsonAction}: the figures of the running cluster I/O
 * (read-only), and one clear error line when it is not running.
 */
abstract class ClusterAction extends JsonAction {

    @Reference(optional = true)
    CohortStats stats;

    @Override
    protected final Object compute() throws Exception {
        if (stats == null) {
            throw new IllegalStateException("Cluster I/O is not running: check etc/org.cohort.cluster.cfg and "
                    + "data/log/karaf.log");
        }
        return result();
    }

    /**
     * Does the command's work once, the cluster I/O running.
     *
     * @return maps, lists and values, printed as JSON or by {@link #print}
     * @throws Exception an error line for the operator
     */
    abstract Object result() throws Exception;

    @Override
    protected String clusterLabel() {
        return "cluster " + stats.settings().clusterName();
    }
}
