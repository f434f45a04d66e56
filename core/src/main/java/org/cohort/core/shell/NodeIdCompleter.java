package org.cohort.core.shell;

import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.core.transport.ClusterStatus;

/** Completes the ids of the cluster's members. */
@Service
public class NodeIdCompleter implements Completer {

    @Reference(optional = true)
    ClusterStatus status;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter ids = new StringsCompleter();
        if (status != null) {
            for (ControllerNode member : status.settings().members()) {
                ids.getStrings().add(member.id().id());
            }
        }
        return ids.complete(session, commandLine, candidates);
    }
}
