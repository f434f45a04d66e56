package org.cohort.core.transport;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.handshake.HelloValidator;
import org.cohort.core.handshake.MemberAuthenticator;
import org.cohort.core.runtime.Randomness;

/**
 * The settings in force and what the streams derive from them, replaced as one on a live edit, so that
 * no reader sees the members of one edit with the validator of another.
 *
 * @param settings the settings
 * @param members every member (this node too) by id
 * @param addresses the members' addresses: the handshake gate lets only these in unthrottled
 * @param validator checks a peer's hello against the settings
 * @param authenticator proves membership with the cluster secret, if one is set
 */
record Roster(ClusterSettings settings, Map<NodeId, ControllerNode> members, Set<InetAddress> addresses,
        HelloValidator validator, MemberAuthenticator authenticator) {

    static Roster of(ClusterSettings settings, Randomness randomness) {
        List<ControllerNode> members = settings.members();
        return new Roster(settings,
                members.stream().collect(Collectors.toUnmodifiableMap(ControllerNode::id, node -> node)),
                members.stream().map(ControllerNode::ip).collect(Collectors.toUnmodifiableSet()),
                new HelloValidator(settings), new MemberAuthenticator(settings.secret(), randomness));
    }

    /** The roster in force, read by every stream and replaced by a live edit. */
    static final class InForce {
        private volatile Roster roster;

        InForce(Roster roster) {
            this.roster = roster;
        }

        Roster get() {
            return roster;
        }

        void set(Roster next) {
            roster = next;
        }
    }
}
