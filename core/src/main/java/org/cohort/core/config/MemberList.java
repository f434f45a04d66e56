package org.cohort.core.config;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;

/**
 * The grammar of the {@value ClusterConfig#MEMBERS} key: comma-separated {@code id@address:port}, an IPv6
 * address in brackets. Addresses are IP literals, read by Netty's {@link NetUtil} into bytes: no host name is
 * ever resolved, so reading the configuration never waits on DNS.
 */
final class MemberList {

    private static final Pattern PORT = Pattern.compile("[0-9]+");
    private static final Pattern HAS_LETTER = Pattern.compile(".*[A-Za-z].*");
    /** An octet with a leading zero, which some resolvers read as octal: refused as ambiguous. */
    private static final Pattern LEADING_ZERO = Pattern.compile("(^|\\.)0[0-9]");

    private MemberList() {
    }

    /**
     * Parses a member list.
     *
     * @param list the list, as one text
     * @param rendered the value as configured, for refusals
     * @return the members, sorted by id
     * @throws InvalidConfigurationException naming the first entry that does not parse, or a duplicate
     */
    static List<ControllerNode> parse(String list, String rendered) throws InvalidConfigurationException {
        if (list.isBlank()) {
            throw refused(rendered, "at least one member is required, as id@address:port");
        }
        List<ControllerNode> members = new ArrayList<>();
        Map<NodeId, String> entryById = new HashMap<>();
        Map<List<Object>, NodeId> idByEndpoint = new HashMap<>();
        for (String part : list.split(",", -1)) {
            String entry = part.strip();
            if (entry.isEmpty()) {
                throw refused(rendered, "it has an empty entry (a stray comma?)");
            }
            ControllerNode member = member(entry, rendered);
            String earlier = entryById.putIfAbsent(member.id(), entry);
            if (earlier != null) {
                throw refused(rendered, "duplicate id " + member.id() + " ('" + earlier + "' and '" + entry + "')");
            }
            // by address, not spelling: [::ffff:10.0.0.1] is 10.0.0.1
            NodeId sameEndpoint = idByEndpoint.putIfAbsent(List.of(member.ip(), member.tcpPort()), member.id());
            if (sameEndpoint != null) {
                String host = member.ip().getHostAddress();
                throw refused(rendered, sameEndpoint + " and " + member.id() + " both use "
                        + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + member.tcpPort());
            }
            members.add(member);
        }
        members.sort(Comparator.comparing(ControllerNode::id));
        return members;
    }

    /** Parses one stripped entry {@code id@address:port}. */
    private static ControllerNode member(String entry, String rendered) throws InvalidConfigurationException {
        int at = entry.indexOf('@');
        if (at < 0) {
            throw refused(rendered, "'" + entry + "' has no '@'; expected id@address:port");
        }
        if (entry.indexOf('@', at + 1) >= 0) {
            throw refused(rendered, "'" + entry + "' has more than one '@'; expected id@address:port");
        }
        NodeId id;
        try {
            id = NodeId.of(entry.substring(0, at));
        } catch (IllegalArgumentException e) {
            throw refused(rendered, "'" + entry + "': " + e.getMessage());
        }
        String hostAndPort = entry.substring(at + 1);
        String host;
        String port;
        byte[] bytes;
        if (hostAndPort.startsWith("[")) {
            int close = hostAndPort.indexOf(']');
            if (close < 0) {
                throw refused(rendered, "'" + entry + "' opens '[' without closing it");
            }
            host = hostAndPort.substring(1, close);
            if (!hostAndPort.startsWith(":", close + 1)) {
                throw refused(rendered, "'" + entry + "' has no port; expected id@[address]:port");
            }
            port = hostAndPort.substring(close + 2);
            if (host.indexOf('%') >= 0) {
                throw refused(rendered, host + " carries a zone id; members need an address"
                        + " that means the same on every node");
            }
            bytes = ipv6(host);
            if (bytes == null) {
                throw refused(rendered, host + " is not an IPv6 address");
            }
        } else {
            int colon = hostAndPort.lastIndexOf(':');
            if (colon < 0) {
                throw refused(rendered, "'" + entry + "' has no port; expected id@address:port");
            }
            host = hostAndPort.substring(0, colon);
            port = hostAndPort.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw refused(rendered, "the IPv6 address in '" + entry + "' must be in brackets, as in "
                        + id + "@[::1]:9876");
            }
            if (host.isEmpty()) {
                throw refused(rendered, "'" + entry + "' has no address");
            }
            bytes = ipv4(host);
            if (bytes == null) {
                throw refused(rendered, host + " is not an IP address" + (HAS_LETTER.matcher(host).matches()
                        ? " (host names are not resolved; give the member's IP address)" : ""));
            }
        }
        InetAddress address = address(bytes);
        if (address.isAnyLocalAddress()) {
            throw refused(rendered, host + " is the wildcard address; give an address " + id + " can be reached at");
        }
        if (address.isMulticastAddress()) {
            throw refused(rendered, host + " is a multicast address");
        }
        if (port.isEmpty()) {
            throw refused(rendered, "'" + entry + "' has no port; expected id@address:port");
        }
        if (!PORT.matcher(port).matches()) {
            throw refused(rendered, "port '" + port + "' of " + id + " is not a number");
        }
        int tcpPort = port.length() > 5 ? -1 : Integer.parseInt(port);
        if (tcpPort < 1 || tcpPort > 65535) {
            throw refused(rendered, "port " + port + " of " + id + " is not in 1..65535");
        }
        return new ControllerNode(id, address, tcpPort);
    }

    /** The 4 bytes of a dotted-quad IPv4 literal, or null; an octet with a leading zero is refused. */
    static byte[] ipv4(String text) {
        return NetUtil.isValidIpV4Address(text) && !LEADING_ZERO.matcher(text).find()
                ? NetUtil.createByteArrayFromIpAddressString(text) : null;
    }

    /**
     * The 16 bytes of an IPv6 literal (the text forms of RFC 4291, without brackets or zone id), or null.
     * Netty reads a dotted IPv4 tail only after {@code ::} or {@code ::ffff:}, and reads {@code ::a.b.c.d} as
     * {@code ::ffff:a.b.c.d}; so the tail is turned into its two hex groups first, and every form means what
     * it means to the JDK.
     */
    static byte[] ipv6(String text) {
        int lastColon = text.lastIndexOf(':');
        if (text.indexOf('[') >= 0 || text.indexOf(']') >= 0 || text.indexOf('%') >= 0 || lastColon < 0) {
            return null;
        }
        String hex = text;
        String tail = text.substring(lastColon + 1);
        if (tail.indexOf('.') >= 0) {
            byte[] v4 = ipv4(tail);
            if (v4 == null) {
                return null;
            }
            hex = text.substring(0, lastColon + 1) + Integer.toHexString((v4[0] & 0xff) << 8 | v4[1] & 0xff)
                    + ":" + Integer.toHexString((v4[2] & 0xff) << 8 | v4[3] & 0xff);
        }
        return NetUtil.isValidIpV6Address(hex) ? NetUtil.createByteArrayFromIpAddressString(hex) : null;
    }

    /** Wraps literal bytes; {@link InetAddress#getByAddress(byte[])} never consults a name service. */
    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("not 4 or 16 address bytes: " + bytes.length, e);
        }
    }

    private static InvalidConfigurationException refused(String rendered, String reason) {
        return new InvalidConfigurationException(ClusterConfig.MEMBERS, rendered, reason);
    }
}
