package org.cohort.shell;

import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.cohort.api.cluster.ClusterMember;
import org.cohort.api.cluster.ClusterService;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Completes the ids of the cluster's members, as ClusterService lists them. Core's bundle registers it
 * (its Karaf-Commands header names this package); Karaf finds it by class for every bundle's
 * {@code @Completion(NodeIdCompleter.class)}.
 */
@Service
@ProviderType
public class NodeIdCompleter implements Completer {

    @Reference(optional = true)
    protected ClusterService cluster;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter ids = new StringsCompleter();
        if (cluster != null) {
            for (ClusterMember member : cluster.members()) {
                ids.getStrings().add(member.id().id());
            }
        }
        return ids.complete(session, commandLine, candidates);
    }
}
