#!/usr/bin/env bash
#
# Runs a local Cohort cluster of N Karaf nodes on this machine, each node on its own loopback
# address, and drives it: start, stop, kill, pause and resume nodes, run shell commands on them.
# Run it with no arguments (or `help`) for the usage text.
#
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
self="$root/scripts/$(basename "${BASH_SOURCE[0]}")"
prog=scripts/cluster.sh

usage() {
    cat <<EOF
Usage: $prog COMMAND [ARGS]

A local Cohort cluster of N nodes (N 1..9). Node K is a Karaf home in \$COHORT_CLUSTER_DIR/node-K
whose cluster address is 127.0.0.K (or 10.A.B.K in a network namespace of its own, with --netns);
every node is a member of cluster "cohort-local".

Commands:
  up [N] [--tls] [--netns] [--assembly FILE]
                            Start a fresh cluster of N nodes (default 3) and wait until every node
                            sees every member ACTIVE, then print node 1's cluster:nodes table.
                            Builds the distribution first (mvn -B -q -ntp install -DskipTests) if its
                            tar.gz is missing or older than the sources, unless --assembly names one.
                            Refuses when any node of the cluster folder is still running. Node folders
                            from an earlier run are replaced (their logs with them). With --tls, makes a
                            throwaway CA and one certificate per node (keytool, in
                            \$COHORT_CLUSTER_DIR/tls) and runs the cluster over mutual TLS.
                            With --netns (root only), each node runs in a network namespace of its
                            own and the cluster's traffic crosses a real (virtual) network that 'cut'
                            and 'heal' can break; see "Network namespaces" below.
  status                    Each node: running, paused or stopped; its pid and ports.
  cli K COMMAND...          Run one Karaf shell command on node K over SSH and print its output
                            (ANSI codes stripped). The words are joined by spaces into one command
                            line, so quote Karaf pipes and quotes: cli 1 'bundle:list | grep Cohort'.
                            Exit status: 0 when the command succeeded, 1 when Karaf reported an error
                            (unknown command, bad option, exception: its message is on stdout, as
                            Karaf prints it), 255 when SSH failed (node down or not yet listening;
                            a paused node after 10 s). Karaf limitations: a failure in a Gogo
                            pipeline before its last command is not reported (status 0, no output),
                            and Gogo commands that return a value instead of printing it (scr:list,
                            scr:info) print nothing: append '| cat' to see their output.
  start K                   Start node K again; returns once its shell answers.
  stop K                    Stop node K (SIGTERM, as a clean shutdown); returns once its JVM is gone.
                            Kills it after COHORT_STOP_GRACE seconds and then exits 1.
  kill K                    SIGKILL node K's JVM; returns once it is gone.
  pause K / resume K        SIGSTOP / SIGCONT node K's JVM (a hung node: its sockets stay open).
  logs K                    Print node K's data/log/karaf.log.
  add                       Create and start one more node (the lowest free number K) and add it to
                            every running node's members through ConfigAdmin (config:property-set):
                            no running node restarts, no stream between them drops. Waits until every
                            node lists every member ACTIVE.
  remove K                  Take node K out of every other running node's members the same way, then
                            stop it; its folder moves to \$COHORT_CLUSTER_DIR/removed/node-K.
  cut K                     (--netns) Isolate node K: the network silently drops every packet
                            between it and every other node.
  cut K J                   (--netns) Drop only what goes between nodes K and J; both still reach
                            the rest. Cuts add up; each prints "cut in force at MILLIS ms (applied
                            from MILLIS ms)": epoch ms around the one tc batch that changes the drops.
  heal [K [J]]              (--netns) Undo cuts: all of them; those touching node K (its isolation
                            and its cuts from single nodes); or the cut between K and J. Prints
                            "healed at MILLIS ms (applied from MILLIS ms)".
  down                      Stop every node (SIGTERM, SIGKILL after COHORT_STOP_GRACE seconds);
                            returns once all their processes have exited (status 0 even when one had
                            to be killed; 1 only if one is still there). Node folders are kept; a
                            netns cluster's namespaces, veths and bridge are removed, even when its
                            nodes had already died.

Ports, from COHORT_PORT_BASE (default 9876), so that two clusters with different bases never meet:
  cluster  BASE           on each node's own address 127.0.0.K
  ssh      BASE+10+K      on 127.0.0.1 (user karaf, key \$COHORT_CLUSTER_DIR/ssh/id_rsa)
  rmi      BASE+20+K (registry), BASE+30+K (server), on 127.0.0.1
Ports are fixed when a node is created by 'up': later commands read them from the node's etc/.

Network namespaces (up --netns; needs root and iproute2's ip and tc):
  The run's id ID is 8 hex digits of a hash of the cluster folder and COHORT_PORT_BASE. Node K runs
  in namespace cohort-ID-nK, holding lo and eth0 with address PREFIX.K/24; its eth0 is a veth whose
  other end, nK, is a port of bridge br0 in namespace cohort-ID-sw (the run's switch). PREFIX is
  10.A.B, derived from ID, chosen so that it overlaps no route of the host; nothing of the run is
  in the host's own namespace. \$COHORT_CLUSTER_DIR/.netns records ID and PREFIX (and marks the
  cluster as a netns one for later commands); .netns-cuts the cuts in force.
  Control path: SSH and RMI listen on 127.0.0.1 inside each node's namespace; 'cli' and the other
  commands reach them with 'ip netns exec', so a cut never cuts the script off a node.
  Cuts drop IPv4 silently in the switch (tc: an htb class with a blackhole qdisc on the port toward
  the node, u32 filters by source address): the node's link stays up, no ICMP or reset is sent, so
  a partition is found by the heartbeats' silence, like a cable pulled beyond the first switch.
  'up' removes namespaces a crashed run of the same folder left; 'down' removes the run's.

Environment:
  COHORT_CLUSTER_DIR  where the nodes live (default <repo>/target/cluster)
  COHORT_PORT_BASE    see above (default 9876)
  COHORT_UP_TIMEOUT   seconds 'up' and 'start' wait before giving up (default 120)
  COHORT_UP_WAIT      what 'up' waits for: active (default: every node lists every member ACTIVE
                      in 'cluster:nodes --json'), bundles (only until each node's scr:list shows
                      org.cohort.core components, all ACTIVE or SATISFIED), shell (only until each
                      node's shell answers)
  COHORT_STOP_GRACE   seconds 'stop' and 'down' wait after SIGTERM before SIGKILL (default 30)
  EXTRA_JAVA_OPTS     extra JVM options for the nodes (the heap is -Xms128M -Xmx512M; a later
                      -Xmx here overrides it)

Inside a Maven build (MAVEN_PROJECTBASEDIR or MAVEN_CMD_LINE_ARGS set: Maven's launcher exports
both to the build and everything it forks), 'up' never builds: it refuses unless --assembly is given.

Processes are signalled only by the pid in a node's karaf.pid, and only after checking that
/proc/PID/cmdline holds -Dkaraf.home=<that node's folder>; nothing is ever matched by name.
EOF
}

die() {
    echo "cluster.sh: $*" >&2
    exit 1
}

# Temporary files and folders, removed however the script ends (a poll is ended by timeout's SIGTERM).
cli_errfile=""
cleanup=()
trap 'rm -f "$cli_errfile"; rm -rf -- "${cleanup[@]}"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cluster_dir=${COHORT_CLUSTER_DIR:-$root/target/cluster}
port_base=${COHORT_PORT_BASE:-9876}
up_timeout=${COHORT_UP_TIMEOUT:-120}
up_wait=${COHORT_UP_WAIT:-active}
stop_grace=${COHORT_STOP_GRACE:-30}

is_uint() { [[ $1 =~ ^[0-9]+$ ]] && [ "${#1}" -le 6 ]; }

if ! is_uint "$port_base" || [ "$port_base" -lt 1024 ] || [ "$port_base" -gt 65490 ]; then
    die "COHORT_PORT_BASE must be a number from 1024 to 65490, not '$port_base'"
fi
if ! is_uint "$up_timeout" || [ "$up_timeout" -lt 1 ]; then
    die "COHORT_UP_TIMEOUT must be a number of seconds, not '$up_timeout'"
fi
if ! is_uint "$stop_grace" || [ "$stop_grace" -lt 1 ]; then
    die "COHORT_STOP_GRACE must be a number of seconds, not '$stop_grace'"
fi
case "$up_wait" in
    active | bundles | shell) ;;
    *) die "COHORT_UP_WAIT must be active, bundles or shell, not '$up_wait'" ;;
esac

# The nodes' -Dkaraf.home is the physical path of their folder (bin/karaf resolves it with cd and
# pwd), so every path here is made physical too: that is what the pid checks compare against.
physical_cluster_dir() {
    [ -d "$cluster_dir" ] || return 1
    cluster_dir=$(cd -P "$cluster_dir" && pwd -P)
}

node_dir() { echo "$cluster_dir/node-$1"; }
ssh_key() { echo "$cluster_dir/ssh/id_rsa"; }

# Node numbers present in the cluster folder, ascending.
node_numbers() {
    local d
    for d in "$cluster_dir"/node-[1-9]; do
        [ -d "$d" ] && echo "${d##*-}"
    done
    return 0
}

check_node_arg() { # K
    [[ ${1:-} =~ ^[1-9]$ ]] || die "node must be a number from 1 to 9, not '${1:-}'"
    physical_cluster_dir || die "no cluster in $cluster_dir: run '$prog up' first"
    [ -d "$(node_dir "$1")" ] || die "node $1 does not exist in $cluster_dir (nodes: $(node_numbers | tr '\n' ' '))"
}

# --- processes ---------------------------------------------------------------------------------

# True if PID is a live (not zombie) process whose command line holds -Dkaraf.home=DIR.
pid_is_node() { # pid dir
    local state cmdline
    [ -r "/proc/$1/stat" ] || return 1
    state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [ "$state" != Z ] && [ "$state" != X ] || return 1
    cmdline=$(tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null) || return 1
    grep -qxF -e "-Dkaraf.home=$2" <<<"$cmdline"
}

# Prints node K's JVM pid if karaf.pid names a live JVM of that node; fails otherwise.
node_pid() { # K
    local dir pid
    dir=$(node_dir "$1")
    [ -f "$dir/karaf.pid" ] || return 1
    pid=$(tr -dc '0-9' <"$dir/karaf.pid")
    [ -n "$pid" ] || return 1
    pid_is_node "$pid" "$dir" || return 1
    echo "$pid"
}

pid_state() { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1; }

# Waits until PID is no longer node DIR's JVM, up to SECONDS; fails on timeout.
wait_gone() { # pid dir seconds
    local i
    for ((i = 0; i < $3 * 10; i++)); do
        pid_is_node "$1" "$2" || break
        sleep 0.1
    done
    ! pid_is_node "$1" "$2" || return 1
    # It has exited. Give its parent (init, as bin/start does not wait for it) up to 2 s to reap it,
    # so that the pid is gone for whoever looks next: a zombie is still "alive" to some checks, such
    # as Java's ProcessHandle.isAlive.
    for ((i = 0; i < 20; i++)); do
        [ "$(pid_state "$1")" = Z ] || return 0
        sleep 0.1
    done
}

# Sends SIGNAL to node K's JVM after checking the pid; fails if the node is not running.
signal_node() { # K signal
    local pid
    pid=$(node_pid "$1") || return 1
    kill "-$2" "$pid"
    echo "$pid"
}

# --- the shell over SSH --------------------------------------------------------------------------

node_ssh_port() { # K
    local cfg port
    cfg="$(node_dir "$1")/etc/org.apache.karaf.shell.cfg"
    port=$(sed -n 's/^[[:space:]]*sshPort[[:space:]]*=[[:space:]]*\([0-9]*\).*/\1/p' "$cfg" | tail -n 1)
    [ -n "$port" ] || die "no sshPort in $cfg"
    echo "$port"
}

strip_ansi() {
    # CSI sequences (colours, cursor moves), other two-byte escapes, and carriage returns.
    LC_ALL=C sed -u -e $'s/\x1b\\[[0-9;?]*[ -/]*[@-~]//g' -e $'s/\x1b[()][0-9A-Za-z]//g' \
        -e $'s/\x1b[=>78]//g' -e $'s/\r$//'
}

# Runs one Karaf command on node K; prints its output without ANSI codes; returns ssh's status,
# which is Karaf's: 0 on success, 1 when the command failed; 255 when SSH itself failed.
run_cli() { # K command
    local k=$1 cmd=$2 port rc
    port=$(node_ssh_port "$k")
    [ -r "$(ssh_key)" ] || die "no SSH key $(ssh_key): run '$prog up' again"
    cli_errfile=$(mktemp "${TMPDIR:-/tmp}/cohort-cli.XXXXXX")
    set +e
    # -F /dev/null: no user or system ssh_config can change how the node is reached.
    # (In a netns cluster, from inside node K's namespace: its shell listens on that 127.0.0.1.)
    in_node_ns "$k" ssh -T -F /dev/null -i "$(ssh_key)" -p "$port" -o BatchMode=yes -o IdentitiesOnly=yes \
        -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
        -o ConnectTimeout=10 -o ServerAliveInterval=5 -o ServerAliveCountMax=3 \
        karaf@127.0.0.1 "$cmd" </dev/null 2>"$cli_errfile" | strip_ansi
    rc=${PIPESTATUS[0]}
    set -e
    # Karaf drops the connection right after the exit status; OpenSSH reports that even at
    # LogLevel=ERROR. It is noise, not a failure.
    grep -v 'closed by remote host\.' "$cli_errfile" | tr -d '\r' >&2 || true
    rm -f "$cli_errfile"
    cli_errfile=""
    return "$rc"
}

cmd_cli() {
    [ $# -ge 2 ] || die "usage: $prog cli K COMMAND..."
    local k=$1
    shift
    check_node_arg "$k"
    local rc=0
    run_cli "$k" "$*" || rc=$?
    if [ "$rc" -eq 255 ]; then
        echo "cluster.sh: node $k's shell did not answer on 127.0.0.1:$(node_ssh_port "$k")$(netns_mode &&
            echo " in namespace $(netns_node_ns "$k")")" "(see '$prog status')" >&2
    fi
    return "$rc"
}

# Runs a command for a poll, killed after SECONDS; prints its output; returns cli's status
# (124 when it timed out).
poll_cli() { # K command seconds
    COHORT_CLUSTER_DIR=$cluster_dir timeout "$3" bash "$self" cli "$1" "$2" 2>/dev/null
}

# Why a poll failed, in a few words, from its status and output.
poll_failure() { # status output
    case "$1" in
        255) echo "shell not answering" ;;
        124) echo "no answer within the poll's time limit" ;;
        *) echo "failed: $(head -n 1 <<<"$2")" ;;
    esac
}

# --- waiting -----------------------------------------------------------------------------------

# The ids every node must see ACTIVE: one per node folder (after 'up N' those are 1..N; 'add' and
# 'remove' change the set).
expected_ids() {
    local k
    for k in $(node_numbers); do echo "node-$k"; done
}

# Reads cluster:nodes --json on stdin; succeeds when every id named in the arguments is ACTIVE.
# Prints a one-line summary either way.
check_nodes_json() {
    python3 -c '
import json, sys
want = sys.argv[1:]
try:
    rows = json.load(sys.stdin)
    state = {r["id"]: r["state"] for r in rows}
except Exception as e:
    print("unreadable cluster:nodes --json output (%s)" % e.__class__.__name__)
    sys.exit(2)
missing = [i for i in want if state.get(i) != "ACTIVE"]
print(", ".join("%s %s" % (i, state.get(i, "absent")) for i in want))
sys.exit(1 if missing else 0)
' "$@"
}

# Reads `scr:list | cat` on stdin; succeeds when org.cohort.core has components, all ACTIVE or
# SATISFIED. Prints a one-line summary.
check_scr_list() {
    python3 -c '
import re, sys
states = []
current = None
for line in sys.stdin:
    m = re.match(r"^(\S+) in bundle \d+ \(([^:)]+)", line)
    if m:
        current = m.group(1) if m.group(2) == "org.cohort.core" else None
        continue
    m = re.search(r"State:\s*(\w+)", line)
    if m and current:
        states.append((current.rsplit(".", 1)[-1], m.group(1)))
bad = [n + " " + s for n, s in states if s not in ("ACTIVE", "SATISFIED")]
if not states:
    print("no org.cohort.core components yet")
    sys.exit(1)
print("%d org.cohort.core components%s" % (len(states), ("; not ready: " + ", ".join(bad)) if bad else ""))
sys.exit(1 if bad else 0)
'
}

# One readiness check of node K for mode MODE in a cluster of N, each poll bounded by SECONDS;
# prints a summary line.
node_ready() { # K N mode seconds
    local out rc=0
    case "$3" in
        shell)
            out=$(poll_cli "$1" "bundle:list" "$4") || rc=$?
            [ "$rc" -eq 0 ] || { echo "bundle:list: $(poll_failure "$rc" "$out")"; return 1; }
            echo "shell answers"
            ;;
        bundles)
            out=$(poll_cli "$1" "scr:list | cat" "$4") || rc=$?
            [ "$rc" -eq 0 ] || { echo "scr:list: $(poll_failure "$rc" "$out")"; return 1; }
            check_scr_list <<<"$out"
            ;;
        active)
            out=$(poll_cli "$1" "cluster:nodes --json" "$4") || rc=$?
            [ "$rc" -eq 0 ] || { echo "cluster:nodes --json: $(poll_failure "$rc" "$out")"; return 1; }
            # shellcheck disable=SC2046 # one word per node id
            check_nodes_json $(expected_ids) <<<"$out"
            ;;
    esac
}

# The last 30 lines of each node's karaf.log, leaving out what this script's own polls wrote there
# (SSH session chatter, and the stack trace of each failed poll command) so that they do not hide
# the node's own messages.
print_log_tails() {
    local k log
    for k in "$@"; do
        log="$(node_dir "$k")/data/log/karaf.log"
        echo "----- node-$k: last 30 lines of $log (without the SSH sessions of cluster.sh's polls)" >&2
        if [ -f "$log" ]; then
            python3 -c '
import re, sys
entries, current = [], []
for line in open(sys.argv[1], errors="replace"):
    if re.match(r"\d{4}-\d\d-\d\dT", line) and current:
        entries.append(current)
        current = []
    current.append(line)
if current:
    entries.append(current)
def noise(entry):
    head = entry[0]
    return ("| ServerSessionImpl " in head or "| ShellUtil " in head
            or "| ServerUserAuthService " in head or "| ChannelSession " in head)
lines = [l for e in entries if not noise(e) for l in e]
sys.stdout.write("".join(lines[-30:]))
' "$log" >&2
        else
            echo "(no log)" >&2
        fi
    done
}

# Waits until each node in the argument list is ready (mode MODE, cluster of N), up to the
# deadline; on timeout prints each node's last state and log tail and fails. Each round polls the
# nodes in parallel: a JVM's first SSH handshakes are slow, and sequential polls would add up.
wait_ready() { # N mode seconds K...
    local n=$1 mode=$2 seconds=$3 k pid start left round polls
    shift 3
    local -a nodes=("$@")
    local -A last=() ready=()
    start=$SECONDS
    polls=$(mktemp -d "${TMPDIR:-/tmp}/cohort-polls.XXXXXX")
    cleanup+=("$polls")
    # Each round sleeps a second, so the round count bounds the loop even if the clock does not.
    for ((round = 1; round <= seconds; round++)); do
        # No poll may run past the deadline by more than a second.
        left=$((seconds - (SECONDS - start)))
        [ "$left" -ge 1 ] || left=1
        [ "$left" -le 15 ] || left=15
        for k in "${nodes[@]}"; do
            [ -n "${ready[$k]:-}" ] && continue
            rm -f "$polls/$k.ok" "$polls/$k.said"
            if ! pid=$(node_pid "$k"); then
                wait
                echo "cluster.sh: node-$k's JVM is not running (it exited or never started)" >&2
                print_log_tails "$k"
                tail -n 20 "$(node_dir "$k")/data/log/console.log" "$(node_dir "$k")/data/log/start.log" >&2 2>/dev/null || true
                return 1
            fi
            if [ "$(pid_state "$pid")" = T ]; then
                echo "paused" >"$polls/$k.said"
                continue
            fi
            (
                if node_ready "$k" "$n" "$mode" "$left" >"$polls/$k.said"; then
                    touch "$polls/$k.ok"
                fi
            ) &
        done
        wait
        for k in "${nodes[@]}"; do
            [ -n "${ready[$k]:-}" ] && continue
            last[$k]=$(cat "$polls/$k.said" 2>/dev/null || true)
            [ -f "$polls/$k.ok" ] && ready[$k]=1
        done
        [ "${#ready[@]}" -eq "${#nodes[@]}" ] && return 0
        [ $((SECONDS - start)) -lt "$seconds" ] || break
        sleep 1
    done
    echo "cluster.sh: timed out after ${seconds}s waiting for the nodes ($mode):" >&2
    for k in "${nodes[@]}"; do
        if [ -n "${ready[$k]:-}" ]; then
            echo "  node-$k: ready (${last[$k]})" >&2
        else
            echo "  node-$k: ${last[$k]:-no answer yet}" >&2
        fi
    done
    print_log_tails "${nodes[@]}"
    echo "cluster.sh: the nodes are left running; '$prog down' stops them." >&2
    return 1
}

# --- network namespaces (up --netns) -------------------------------------------------------------
#
# With --netns every node runs in a network namespace of its own, cohort-<id>-n<K>, whose only
# interfaces are lo and eth0 (address <prefix>.K/24). The eth0s are veth pairs whose other ends,
# n1..n9, are ports of bridge br0 in one more namespace, cohort-<id>-sw: the run's switch. Nothing is
# added to the host's own namespace (no interface, address or route), so the run cannot disturb the
# host or another run; <id> (8 hex digits of a hash of the cluster folder and port base) keeps the
# namespace names apart. The run's id and prefix are kept in $COHORT_CLUSTER_DIR/.netns, which is also
# what marks the cluster as a netns one for every later command.
#
# The control path stays off the cut network: each node's SSH and RMI listen on 127.0.0.1 inside its
# own namespace, and this script reaches them with 'ip netns exec'. Cuts act only on the switch.
#
# A cut drops the node's IPv4 packets silently in the switch: each port gets an htb root qdisc
# whose one class feeds a blackhole qdisc, and u32 filters steer the packets to be dropped into it
# (to node M: every packet, when M is isolated; those from an isolated node; those from a node cut
# from M). The nodes' own interfaces stay up, no ICMP or reset is sent, ARP still works: like a
# cable pulled beyond the first switch, only the heartbeats' silence tells a node. (netem and tc's
# drop action are not in every kernel, this machine's included; htb, u32 and blackhole are. Link
# down would tell the node at once, and cannot cut one pair.)

netns_state_file() { echo "$cluster_dir/.netns"; }
netns_cuts_file() { echo "$cluster_dir/.netns-cuts"; }
netns_mode() { [ -f "$(netns_state_file)" ]; }

# A value of the state file: id or prefix.
netns_state() { # key
    sed -n "s/^$1=//p" "$(netns_state_file)" 2>/dev/null | head -n 1
}

# The run id of this cluster folder and port base: 8 hex digits.
netns_run_id() {
    printf '%s|%s' "$cluster_dir" "$port_base" | sha256sum | cut -c1-8
}

netns_switch() { echo "cohort-$1-sw"; }  # id
netns_node_ns() { echo "cohort-$(netns_state id)-n$1"; }  # K

# The first three octets of the run's /24, derived from its id: 10.A.B with A in 64..191, the next B
# when the /24 overlaps any route of the host (none of the run's addresses is ever routed by the
# host, but an address that means one thing in a log should not mean another on the host).
netns_pick_prefix() { # id
    ip -4 -o route show table all 2>/dev/null | python3 -c '
import ipaddress, sys
h = int(sys.argv[1], 16)
taken = []
for line in sys.stdin:
    for word in line.split()[:2]:
        try:
            net = ipaddress.ip_network(word, strict=False)
        except ValueError:
            continue
        if net.prefixlen > 0:
            taken.append(net)
        break
for step in range(128 * 256):
    i = (h + step) % (128 * 256)
    candidate = ipaddress.ip_network("10.%d.%d.0/24" % (64 + i // 256, i % 256))
    if not any(candidate.overlaps(t) for t in taken):
        print("10.%d.%d" % (64 + i // 256, i % 256))
        sys.exit(0)
sys.exit("no free 10.64-191.x.0/24")
' "$1"
}

# Node K's cluster address: <prefix>.K in a netns cluster, 127.0.0.K otherwise.
node_address() { # K
    if netns_mode; then
        echo "$(netns_state prefix).$1"
    else
        echo "127.0.0.$1"
    fi
}

# Runs a command in node K's namespace (netns cluster) or as is (loopback cluster).
in_node_ns() { # K command...
    local k=$1
    shift
    if netns_mode; then
        ip netns exec "$(netns_node_ns "$k")" "$@"
    else
        "$@"
    fi
}

netns_require() {
    [ "$(id -u)" -eq 0 ] || die "--netns needs root (it makes network namespaces with 'ip netns')"
    command -v ip >/dev/null && command -v tc >/dev/null || die "--netns needs iproute2's ip and tc"
    command -v sha256sum >/dev/null || die "--netns needs sha256sum"
}

# Every namespace of run ID (whatever a crashed run left), deleted; a node's veth goes with its
# namespace, the bridge with the switch's.
netns_delete_run() { # id
    local ns
    for ns in $(ip netns list 2>/dev/null | cut -d' ' -f1 | grep -E "^cohort-$1-(sw|n[1-9])\$" || true); do
        ip netns delete "$ns" || echo "cluster.sh: could not delete network namespace $ns" >&2
    done
}

# Removes the namespaces of this folder's netns run, if any, and its state.
netns_teardown() {
    local id
    if netns_mode; then
        id=$(netns_state id)
        [ -n "$id" ] && netns_delete_run "$id"
    fi
    if [ "$(id -u)" -eq 0 ] && command -v ip >/dev/null; then
        netns_delete_run "$(netns_run_id)"
    fi
    rm -f "$(netns_state_file)" "$(netns_cuts_file)"
}

# The switch namespace and its bridge; fails loudly when namespaces cannot be made here.
netns_create_switch() { # id
    local sw
    sw=$(netns_switch "$1")
    ip netns add "$sw" || die "cannot make network namespace $sw (is this a container without CAP_SYS_ADMIN?)"
    ip -n "$sw" link set lo up &&
        ip -n "$sw" link add br0 type bridge forward_delay 0 &&
        ip -n "$sw" link set br0 up || die "cannot make the bridge in $sw"
}

# Node K's namespace, its eth0 (<prefix>.K/24) and its switch port nK, with the drops in force.
netns_add_node() { # K
    local k=$1 ns sw
    ns=$(netns_node_ns "$k")
    sw=$(netns_switch "$(netns_state id)")
    ip netns delete "$ns" 2>/dev/null || true
    ip netns add "$ns" || die "cannot make network namespace $ns"
    {
        ip -n "$ns" link set lo up &&
            ip -n "$sw" link add "n$k" type veth peer name eth0 netns "$ns" &&
            ip -n "$sw" link set "n$k" master br0 up &&
            ip -n "$ns" addr add "$(node_address "$k")/24" dev eth0 &&
            ip -n "$ns" link set eth0 up &&
            netns_port_qdisc "$k"
    } || die "cannot connect $ns to the switch"
    netns_apply_cuts
}

# The drop machinery on switch port nK (no filter yet: nothing is dropped). Unclassified packets go
# through htb's direct queue, unshaped.
netns_port_qdisc() { # K
    local sw dev=n$1
    sw=$(netns_switch "$(netns_state id)")
    tc -n "$sw" qdisc add dev "$dev" root handle 1: htb &&
        tc -n "$sw" class add dev "$dev" parent 1: classid 1:1 htb rate 8kbit quantum 1514 &&
        tc -n "$sw" qdisc add dev "$dev" parent 1:1 handle 10: blackhole
}

# The sources whose IPv4 packets port nM must drop, by the cuts in force: 'all' when M is isolated,
# otherwise the node numbers isolated or cut from M.
netns_drops_for() { # M
    local m=$1 a b
    while read -r a b; do
        [ -n "$a" ] || continue
        if [ -z "$b" ]; then
            if [ "$a" = "$m" ]; then echo all; else echo "$a"; fi
        elif [ "$a" = "$m" ]; then
            echo "$b"
        elif [ "$b" = "$m" ]; then
            echo "$a"
        fi
    done <"$(netns_cuts_file)" | sort -u
}

# The u32 filter handle of a drop on a port: 800::J for packets from node J, 800::ff for all.
netns_filter_handle() { # source
    if [ "$1" = all ]; then echo 800::ff; else printf '800::%x\n' "$1"; fi
}

# The drops in force on port nM, as filter handles.
netns_filters_now() { # M
    tc -n "$(netns_switch "$(netns_state id)")" filter show dev "n$1" parent 1: 2>/dev/null |
        sed -n 's/.* fh \(800::[0-9a-f]*\) .*/\1/p' | sort -u
}

# The tc commands (for tc -batch) that bring port nM's filters to what the cuts ask for: first the drops
# to add, then (on stdout after a line "--") those to remove, so that a cut that stays never lets a
# packet through.
netns_port_changes() { # M
    local m=$1 source handle now
    now=$(netns_filters_now "$m")
    local -A want=()
    for source in $(netns_drops_for "$m"); do
        handle=$(netns_filter_handle "$source")
        want[$handle]=1
        grep -qxF "$handle" <<<"$now" && continue
        if [ "$source" = all ]; then
            echo "+filter add dev n$m parent 1: protocol ip prio 1 handle $handle u32 match u32 0 0 classid 1:1"
        else
            echo "+filter add dev n$m parent 1: protocol ip prio 1 handle $handle u32" \
                "match ip src $(node_address "$source")/32 classid 1:1"
        fi
    done
    for handle in $now; do
        [ -n "${want[$handle]:-}" ] || echo "-filter del dev n$m parent 1: protocol ip prio 1 handle $handle u32"
    done
}

# Applies the cuts in force to every node's switch port in one tc -batch, so that a cut takes effect
# on all ports within milliseconds even on a starved host. Sets applied_from and applied_to (epoch ms
# around the batch: what a test measures detection and recovery from).
applied_from=""
applied_to=""
netns_apply_cuts() {
    local sw k ports changes
    sw=$(netns_switch "$(netns_state id)")
    touch "$(netns_cuts_file)"
    ports=$(ip -n "$sw" -o link show 2>/dev/null | sed -n 's/^[0-9]*: \(n[1-9]\)@.*/\1/p')
    # (Node folders without a port yet, as while 'up' makes them one by one, are skipped.)
    changes=$(for k in $(node_numbers); do
        if grep -qxF "n$k" <<<"$ports"; then netns_port_changes "$k"; fi
    done)
    applied_from=$(now_millis)
    if [ -n "$changes" ]; then
        { sed -n 's/^+//p' <<<"$changes"; sed -n 's/^-//p' <<<"$changes"; } | tc -n "$sw" -batch - ||
            die "tc could not change the drops on the switch ports"
    fi
    applied_to=$(now_millis)
}

# Makes the run's switch and one namespace per node, after removing what a crashed run of the same
# folder left behind. Records the run's id and prefix.
netns_create() { # N
    local n=$1 id prefix k
    netns_require
    netns_teardown
    id=$(netns_run_id)
    prefix=$(netns_pick_prefix "$id") || die "no private /24 free for the run's namespaces"
    printf 'id=%s\nprefix=%s\n' "$id" "$prefix" >"$(netns_state_file)"
    : >"$(netns_cuts_file)"
    netns_create_switch "$id"
    for ((k = 1; k <= n; k++)); do
        netns_add_node "$k"
    done
    echo "Network namespaces cohort-$id-n1..n$n on switch cohort-$id-sw, nodes at $prefix.1..$prefix.$n"
}

netns_cut_usage() {
    die "usage: $prog cut K [J] / $prog heal [K [J]] (K and J distinct nodes of the cluster)"
}

# Checks cut/heal's node arguments: distinct nodes of a netns cluster.
netns_check_cut_args() { # K [J]
    local k
    for k in "$@"; do
        check_node_arg "$k"
    done
    [ $# -lt 2 ] || [ "$1" != "$2" ] || netns_cut_usage
    netns_mode || die "cut and heal need a cluster started with '$prog up N --netns'"
}

# The cuts in force, one line.
netns_cuts_summary() {
    local a b out=""
    while read -r a b; do
        [ -n "$a" ] || continue
        if [ -z "$b" ]; then out+="${out:+, }node-$a isolated"; else out+="${out:+, }node-$a/node-$b"; fi
    done <"$(netns_cuts_file)"
    echo "${out:-none}"
}

now_millis() { date +%s%3N; }

cmd_cut() {
    [ $# -ge 1 ] && [ $# -le 2 ] || netns_cut_usage
    netns_check_cut_args "$@"
    local line
    if [ $# -eq 1 ]; then line=$1; else line="$(printf '%s\n' "$1" "$2" | sort -n | tr '\n' ' ' | sed 's/ $//')"; fi
    grep -qxF "$line" "$(netns_cuts_file)" || echo "$line" >>"$(netns_cuts_file)"
    netns_apply_cuts
    echo "cut in force at $applied_to ms (applied from $applied_from ms); cuts: $(netns_cuts_summary)"
}

cmd_heal() {
    [ $# -le 2 ] || netns_cut_usage
    physical_cluster_dir || die "no cluster in $cluster_dir: run '$prog up' first"
    [ $# -eq 0 ] || netns_check_cut_args "$@"
    netns_mode || die "cut and heal need a cluster started with '$prog up N --netns'"
    local file a b keep
    file=$(netns_cuts_file)
    touch "$file"
    keep=$(while read -r a b; do
        [ -n "$a" ] || continue
        case $# in
            0) continue ;;
            1) [ "$a" = "$1" ] || [ "${b:-}" = "$1" ] && continue ;;
            2) [ -n "$b" ] && { [ "$a $b" = "$1 $2" ] || [ "$a $b" = "$2 $1" ]; } && continue ;;
        esac
        echo "$a${b:+ $b}"
    done <"$file")
    printf '%s\n' "$keep" | sed '/^$/d' >"$file"
    netns_apply_cuts
    echo "healed at $applied_to ms (applied from $applied_from ms); cuts: $(netns_cuts_summary)"
}

# --- starting nodes ----------------------------------------------------------------------------

port_in_use() { # address port
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# Starts node K's Karaf in the background (bin/start daemon: bin/karaf then execs the JVM, so the
# pid in karaf.pid is the only process of the node; there is no wrapper shell).
launch_node() { # K
    local k=$1 dir
    dir=$(node_dir "$k")
    rm -f "$dir/karaf.pid"
    mkdir -p "$dir/data/log"
    (
        cd "$dir"
        unset KARAF_HOME KARAF_BASE KARAF_DATA KARAF_ETC KARAF_LOG
        # Karaf 4.4's Unix scripts ignore JAVA_MIN_MEM/JAVA_MAX_MEM (only the .bat files read
        # them): the heap is set through EXTRA_JAVA_OPTS, which bin/inc appends to JAVA_OPTS.
        export EXTRA_JAVA_OPTS="-Xms128M -Xmx512M${EXTRA_JAVA_OPTS:+ $EXTRA_JAVA_OPTS}"
        export KARAF_REDIRECT="$dir/data/log/console.log"
        if netns_mode; then
            # ip netns exec execs the command in the namespace: the JVM is still the node's only process.
            exec ip netns exec "$(netns_node_ns "$k")" "$dir/bin/start" daemon
        fi
        exec "$dir/bin/start" daemon
    ) </dev/null >>"$dir/data/log/start.log" 2>&1 9>&-
}

# Waits until node K's karaf.pid names its JVM, up to 30 s.
wait_pid_file() { # K
    local i
    for ((i = 0; i < 300; i++)); do
        node_pid "$1" >/dev/null && return 0
        sleep 0.1
    done
    echo "cluster.sh: node-$1 wrote no karaf.pid within 30 s" >&2
    tail -n 20 "$(node_dir "$1")/data/log/console.log" "$(node_dir "$1")/data/log/start.log" >&2 2>/dev/null || true
    return 1
}

set_property() { # file key value: replaces the key's line; fails if the file has none
    grep -qE "^[[:space:]]*$2[[:space:]]*=" "$1" || die "$1 has no $2 line to set"
    sed -i -E "s|^[[:space:]]*$2[[:space:]]*=.*|$2 = $3|" "$1"
}

# The members value for the given node numbers: node-K@ADDRESS:BASE, comma-separated (ADDRESS is
# 127.0.0.K, or <prefix>.K in a netns cluster).
members_of() { # K...
    local members="" j
    for j in "$@"; do
        members+="${members:+,}node-$j@$(node_address "$j"):$port_base"
    done
    echo "$members"
}

# --- TLS material (up --tls) ---------------------------------------------------------------------

tls_dir() { echo "$cluster_dir/tls"; }
tls_password=cohort-local-tls

keytool_cmd() {
    if command -v keytool >/dev/null; then
        keytool "$@"
    elif [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/keytool" ]; then
        "$JAVA_HOME/bin/keytool" "$@"
    else
        die "--tls needs the JDK's keytool (on PATH or in \$JAVA_HOME/bin)"
    fi
}

# A fresh throwaway CA: its key store and its certificate as PEM (the nodes' trust store).
make_tls_ca() {
    local dir
    dir=$(tls_dir)
    rm -rf "$dir"
    mkdir -p "$dir"
    chmod 700 "$dir"
    keytool_cmd -genkeypair -alias ca -keyalg EC -groupname secp256r1 -dname "CN=cohort-local-ca" -ext bc:c \
        -validity 30 -keystore "$dir/ca.p12" -storetype PKCS12 -storepass "$tls_password" >/dev/null 2>&1 ||
        die "keytool could not make the CA"
    keytool_cmd -exportcert -rfc -alias ca -keystore "$dir/ca.p12" -storepass "$tls_password" \
        -file "$dir/ca.pem" >/dev/null 2>&1 || die "keytool could not export the CA certificate"
}

# Node K's key store: a key and a certificate signed by the CA naming node-K (CN and DNS SAN).
make_tls_node() { # K
    local dir k=$1 store
    dir=$(tls_dir)
    store="$dir/node-$k.p12"
    [ -f "$store" ] && return 0
    {
        keytool_cmd -genkeypair -alias node -keyalg EC -groupname secp256r1 -dname "CN=node-$k" -validity 30 \
            -keystore "$store" -storetype PKCS12 -storepass "$tls_password" &&
            keytool_cmd -certreq -alias node -keystore "$store" -storepass "$tls_password" -file "$dir/node-$k.csr" &&
            keytool_cmd -gencert -alias ca -keystore "$dir/ca.p12" -storepass "$tls_password" \
                -infile "$dir/node-$k.csr" -outfile "$dir/node-$k.pem" -rfc -validity 30 \
                -ext "san=dns:node-$k" -ext "eku=serverAuth,clientAuth" &&
            keytool_cmd -importcert -noprompt -alias ca -file "$dir/ca.pem" -keystore "$store" \
                -storepass "$tls_password" &&
            keytool_cmd -importcert -alias node -file "$dir/node-$k.pem" -keystore "$store" -storepass "$tls_password"
    } >/dev/null 2>&1 || die "keytool could not make node-$k's certificate"
}

configure_node() { # K keydir K...: node K, members the node numbers after keydir
    local k=$1 keydir=$2 dir members
    shift 2
    dir=$(node_dir "$k")
    members=$(members_of "$@")
    cat >"$dir/etc/org.cohort.cluster.cfg" <<EOF
#
# Written by scripts/cluster.sh for node $k of a local cluster of $#; every other key is at its
# default (features/src/main/cfg/org.cohort.cluster.cfg lists them).
#
cluster.name = cohort-local
node.id = node-$k
members = $members
EOF
    if [ -f "$(tls_dir)/ca.pem" ]; then
        make_tls_node "$k"
        cat >>"$dir/etc/org.cohort.cluster.cfg" <<EOF
# Mutual TLS with the throwaway CA of 'up --tls' (local use only: the passwords are in this file).
tls.enabled = true
tls.keystore = $(tls_dir)/node-$k.p12
tls.keystore.password = $tls_password
tls.truststore = $(tls_dir)/ca.pem
EOF
    fi
    set_property "$dir/etc/org.apache.karaf.shell.cfg" sshPort $((port_base + 10 + k))
    set_property "$dir/etc/org.apache.karaf.shell.cfg" sshHost 127.0.0.1
    set_property "$dir/etc/org.apache.karaf.management.cfg" rmiRegistryPort $((port_base + 20 + k))
    set_property "$dir/etc/org.apache.karaf.management.cfg" rmiRegistryHost 127.0.0.1
    set_property "$dir/etc/org.apache.karaf.management.cfg" rmiServerPort $((port_base + 30 + k))
    set_property "$dir/etc/org.apache.karaf.management.cfg" rmiServerHost 127.0.0.1
    # keys.properties: USER=KEY,ROLE...; KEY is the base64 part of an OpenSSH public key.
    local keys="$dir/etc/keys.properties"
    grep -q '^_g_\\:admingroup' "$keys" ||
        echo '_g_\:admingroup = group,admin,manager,viewer,systembundles,ssh' >>"$keys"
    echo "karaf=$(cut -d' ' -f2 "$keydir/id_rsa.pub"),_g_:admingroup" >>"$keys"
    # Karaf would generate its SSH host key on the first connection, which takes seconds in a
    # JVM that is still booting: give it one made beforehand (PKCS#8 PEM, the format it writes).
    install -m 600 "$keydir/host.key" "$dir/etc/host.key"
}

find_tarball() {
    compgen -G "$root/karaf-assembly/target/cohort-karaf-assembly-*.tar.gz" | head -n 1 || true
}

sources_newer_than() {
    # Any source or build file changed after the tarball was built? (as scripts/karaf.sh)
    [ -n "$(find "$root/pom.xml" "$root/api" "$root/core" "$root/examples" "$root/test-tools" "$root/features" "$root/karaf-assembly" \
        -path '*/target' -prune -o -type f -newer "$1" -print -quit)" ]
}

inside_maven() { [ -n "${MAVEN_PROJECTBASEDIR:-}${MAVEN_CMD_LINE_ARGS:-}" ]; }

cmd_up() {
    local n=3 assembly="" tarball k pid port tls="" netns=""
    while [ $# -gt 0 ]; do
        case "$1" in
            --assembly)
                [ $# -ge 2 ] || die "--assembly needs a file"
                assembly=$2
                shift 2
                ;;
            --assembly=*)
                assembly=${1#--assembly=}
                shift
                ;;
            [1-9])
                n=$1
                shift
                ;;
            --tls)
                tls=1
                shift
                ;;
            --netns)
                netns=1
                shift
                ;;
            *) die "up: unexpected '$1' (N is 1..9; see '$prog help')" ;;
        esac
    done
    local started=$SECONDS

    if [ -n "$assembly" ]; then
        if [ ! -f "$assembly" ] || [ ! -r "$assembly" ]; then
            die "--assembly $assembly: no such readable file"
        fi
        tarball=$(cd "$(dirname "$assembly")" && pwd)/$(basename "$assembly")
    else
        inside_maven && die "called from inside a Maven build (MAVEN_PROJECTBASEDIR/MAVEN_CMD_LINE_ARGS" \
            "set): refusing to build or use the repo's distribution; pass --assembly FILE"
        tarball=$(find_tarball)
        if [ -z "$tarball" ] || sources_newer_than "$tarball"; then
            echo "Building the Cohort Karaf distribution (mvn -B -q -ntp install -DskipTests)..."
            (cd "$root" && mvn -B -q -ntp install -DskipTests)
            tarball=$(find_tarball)
            [ -n "$tarball" ] || die "the build made no karaf-assembly tarball"
        fi
    fi
    if ! command -v ssh >/dev/null || ! command -v ssh-keygen >/dev/null; then
        die "needs OpenSSH's ssh and ssh-keygen (Debian: apt-get install openssh-client)"
    fi
    command -v python3 >/dev/null || die "needs python3"
    [ -z "$netns" ] || netns_require

    mkdir -p "$cluster_dir"
    physical_cluster_dir
    exec 9>"$cluster_dir/.lock"
    flock -n 9 || die "another '$prog' is working on $cluster_dir"

    for k in $(node_numbers); do
        if pid=$(node_pid "$k"); then
            die "node-$k is still running (pid $pid) in $cluster_dir: run '$prog down' first"
        fi
    done
    # A netns cluster's ports are in namespaces of its own, made fresh: nothing else can hold them.
    for ((k = 1; k <= n && !netns; k++)); do
        for port in $((port_base + 10 + k)) $((port_base + 20 + k)) $((port_base + 30 + k)); do
            port_in_use 127.0.0.1 "$port" && die "port $port on 127.0.0.1 is in use (choose another COHORT_PORT_BASE)"
        done
        port_in_use "127.0.0.$k" "$port_base" && die "port $port_base on 127.0.0.$k is in use (choose another COHORT_PORT_BASE)"
    done
    # Namespaces an earlier (maybe crashed) run of this folder left behind go first; none of its
    # nodes runs any more (checked above).
    netns_teardown
    [ -z "$netns" ] || netns_create "$n"

    local keydir="$cluster_dir/ssh"
    mkdir -p "$keydir"
    chmod 700 "$keydir"
    if [ ! -f "$keydir/id_rsa" ] || [ ! -f "$keydir/id_rsa.pub" ]; then
        rm -f "$keydir/id_rsa" "$keydir/id_rsa.pub"
        ssh-keygen -q -t rsa -b 3072 -N '' -C "cohort-cluster" -f "$keydir/id_rsa" </dev/null >/dev/null
    fi
    if [ ! -f "$keydir/host.key" ]; then
        rm -f "$keydir/host.key.pub"
        ssh-keygen -q -t rsa -b 2048 -m PKCS8 -N '' -C "cohort-node" -f "$keydir/host.key" </dev/null >/dev/null
    fi

    if [ -n "$tls" ]; then
        echo "Making a throwaway CA and node certificates in $(tls_dir) (mutual TLS)"
        make_tls_ca
    else
        rm -rf "$(tls_dir)"
    fi
    echo "Unpacking $(basename "$tarball") for $n node(s) in $cluster_dir"
    for k in $(node_numbers); do
        rm -rf "$(node_dir "$k")"
    done
    local staging="$cluster_dir/.unpacking"
    rm -rf "$staging"
    mkdir -p "$staging"
    tar -xzf "$tarball" -C "$staging" --strip-components=1
    local -a numbers=()
    for ((k = 1; k <= n; k++)); do numbers+=("$k"); done
    for k in "${numbers[@]}"; do
        cp -a "$staging" "$(node_dir "$k")"
        configure_node "$k" "$keydir" "${numbers[@]}"
    done
    rm -rf "$staging" "$cluster_dir/removed"
    # 'add' makes its nodes from the same distribution.
    echo "$tarball" >"$cluster_dir/.assembly"

    for ((k = 1; k <= n; k++)); do
        launch_node "$k"
    done
    for ((k = 1; k <= n; k++)); do
        wait_pid_file "$k"
        echo "node-$k: pid $(node_pid "$k"), cluster $(node_address "$k"):$port_base, ssh 127.0.0.1:$((port_base + 10 + k))$(
            netns_mode && echo " in namespace $(netns_node_ns "$k")")"
    done

    local -a all=()
    for ((k = 1; k <= n; k++)); do all+=("$k"); done
    case "$up_wait" in
        active) echo "Waiting up to ${up_timeout}s until every node lists all $n members ACTIVE..." ;;
        bundles) echo "Waiting up to ${up_timeout}s until every node's org.cohort.core components are up..." ;;
        shell) echo "Waiting up to ${up_timeout}s until every node's shell answers..." ;;
    esac
    wait_ready "$n" "$up_wait" "$up_timeout" "${all[@]}"
    echo "Cluster of $n node(s) up in $((SECONDS - started)) s ($up_wait). Node 1 sees:"
    local table
    if table=$(run_cli 1 "cluster:nodes" 2>/dev/null); then
        echo "$table"
    else
        echo "(node 1 did not answer cluster:nodes: $(head -n 1 <<<"$table"))"
        cmd_status
    fi
    echo "Logs: $cluster_dir/node-K/data/log/karaf.log ('$prog logs K'). '$prog down' stops the cluster."
}

# --- changing the membership of a running cluster ----------------------------------------------

# Sets members on every running node in the list through ConfigAdmin (config:property-set, which
# Karaf also writes back to etc/org.cohort.cluster.cfg): the nodes apply it live, without a restart.
set_members_live() { # members K...
    local members=$1 k out rc
    shift
    for k in "$@"; do
        node_pid "$k" >/dev/null || { echo "  node-$k is not running: its cfg is updated when it starts"; continue; }
        rc=0
        out=$(run_cli "$k" "config:property-set -p org.cohort.cluster members \"$members\"" 2>&1) || rc=$?
        [ "$rc" -eq 0 ] || die "node-$k refused the new members ($(head -n 1 <<<"$out"))"
        echo "  node-$k: members = $members"
    done
}

cmd_add() {
    [ $# -eq 0 ] || die "usage: $prog add"
    physical_cluster_dir || die "no cluster in $cluster_dir: run '$prog up' first"
    exec 9>"$cluster_dir/.lock"
    flock -n 9 || die "another '$prog' is working on $cluster_dir"
    local k new="" tarball port started=$SECONDS
    for k in 1 2 3 4 5 6 7 8 9; do
        [ -d "$(node_dir "$k")" ] || { new=$k; break; }
    done
    [ -n "$new" ] || die "the cluster already has 9 nodes"
    tarball=$(cat "$cluster_dir/.assembly" 2>/dev/null || true)
    [ -n "$tarball" ] && [ -f "$tarball" ] || die "the distribution 'up' used is gone ($tarball): run '$prog up' again"
    if netns_mode; then
        netns_require
    else
        for port in $((port_base + 10 + new)) $((port_base + 20 + new)) $((port_base + 30 + new)); do
            port_in_use 127.0.0.1 "$port" && die "port $port on 127.0.0.1 is in use"
        done
        port_in_use "127.0.0.$new" "$port_base" && die "port $port_base on 127.0.0.$new is in use"
    fi
    local -a old=() all=()
    mapfile -t old < <(node_numbers)
    all=("${old[@]}" "$new")
    # shellcheck disable=SC2207 # node numbers are single digits
    all=($(printf '%s\n' "${all[@]}" | sort -n))
    echo "Adding node-$new ($(node_address "$new"):$port_base) to the running nodes' members:"
    set_members_live "$(members_of "${all[@]}")" "${old[@]}"
    local staging="$cluster_dir/.unpacking"
    rm -rf "$staging"
    mkdir -p "$staging"
    tar -xzf "$tarball" -C "$staging" --strip-components=1
    mv "$staging" "$(node_dir "$new")"
    if netns_mode; then
        netns_add_node "$new"
    fi
    configure_node "$new" "$cluster_dir/ssh" "${all[@]}"
    launch_node "$new"
    wait_pid_file "$new"
    echo "node-$new: pid $(node_pid "$new"), cluster $(node_address "$new"):$port_base, ssh 127.0.0.1:$((port_base + 10 + new))"
    local -a running=()
    for k in "${all[@]}"; do
        node_pid "$k" >/dev/null && running+=("$k")
    done
    echo "Waiting up to ${up_timeout}s until every running node lists all ${#all[@]} members ACTIVE..."
    wait_ready "${#all[@]}" active "$up_timeout" "${running[@]}"
    echo "node-$new added in $((SECONDS - started)) s; no running node was restarted."
}

cmd_remove() {
    [ $# -eq 1 ] || die "usage: $prog remove K"
    check_node_arg "$1"
    exec 9>"$cluster_dir/.lock"
    flock -n 9 || die "another '$prog' is working on $cluster_dir"
    local gone=$1 k
    local -a rest=()
    for k in $(node_numbers); do
        [ "$k" = "$gone" ] || rest+=("$k")
    done
    [ "${#rest[@]}" -gt 0 ] || die "node-$gone is the only node; use '$prog down'"
    echo "Removing node-$gone from the running nodes' members:"
    set_members_live "$(members_of "${rest[@]}")" "${rest[@]}"
    if node_pid "$gone" >/dev/null; then
        stop_nodes "$gone" || true
    fi
    # Out of the cluster folder, so that no command counts it; kept for its logs until the next 'up'.
    mkdir -p "$cluster_dir/removed"
    rm -rf "$cluster_dir/removed/node-$gone"
    mv "$(node_dir "$gone")" "$cluster_dir/removed/node-$gone"
    if netns_mode; then
        # Its cuts go, then its namespace (and with it its veth and switch port).
        sed -i -E "/^$gone( |\$)|( )$gone\$/d" "$(netns_cuts_file)"
        netns_apply_cuts
        ip netns delete "$(netns_node_ns "$gone")" 2>/dev/null || true
    fi
    echo "node-$gone removed and stopped (its folder is now $cluster_dir/removed/node-$gone)"
}

# --- the other commands ------------------------------------------------------------------------

cmd_status() {
    physical_cluster_dir || { echo "No cluster in $cluster_dir."; return 0; }
    local k pid dir state any=""
    for k in $(node_numbers); do
        any=1
        dir=$(node_dir "$k")
        if pid=$(node_pid "$k"); then
            state=running
            [ "$(pid_state "$pid")" = T ] && state=paused
        else
            state=stopped
            pid=-
        fi
        printf 'node-%s  %-8s pid %-8s ssh 127.0.0.1:%s  cluster %s  %s\n' \
            "$k" "$state" "$pid" "$(node_ssh_port "$k")" "$(node_address "$k")" "$dir"
    done
    [ -n "$any" ] || echo "No nodes in $cluster_dir."
    if netns_mode; then
        echo "Network namespaces cohort-$(netns_state id)-nK on switch $(netns_switch "$(netns_state id)");" \
            "cuts: $(netns_cuts_summary)"
    fi
}

cmd_kill() {
    [ $# -eq 1 ] || die "usage: $prog kill K"
    check_node_arg "$1"
    local pid
    pid=$(signal_node "$1" KILL) || { echo "node-$1 is not running"; return 0; }
    wait_gone "$pid" "$(node_dir "$1")" 10 || die "node-$1 (pid $pid) still there 10 s after SIGKILL"
    echo "node-$1 killed (pid $pid)"
}

# SIGTERM (and SIGCONT, so a paused node can act on it) to the given nodes; SIGKILL to those still
# running after the grace period. Fails if any had to be killed or would not go.
stop_nodes() { # K...
    local k pid killed="" stuck=""
    local -A pids=()
    for k in "$@"; do
        pid=$(signal_node "$k" TERM) || continue
        kill -CONT "$pid" 2>/dev/null || true
        pids[$k]=$pid
    done
    [ "${#pids[@]}" -gt 0 ] || return 0
    local i
    for ((i = 0; i < stop_grace * 10; i++)); do
        local alive=0
        for k in "${!pids[@]}"; do
            pid_is_node "${pids[$k]}" "$(node_dir "$k")" && alive=1
        done
        [ "$alive" -eq 0 ] && break
        sleep 0.1
    done
    for k in "${!pids[@]}"; do
        if pid_is_node "${pids[$k]}" "$(node_dir "$k")"; then
            echo "cluster.sh: node-$k (pid ${pids[$k]}) did not stop within ${stop_grace}s of SIGTERM: SIGKILL" >&2
            kill -KILL "${pids[$k]}" 2>/dev/null || true
            killed+=" node-$k"
        fi
    done
    for k in "${!pids[@]}"; do
        wait_gone "${pids[$k]}" "$(node_dir "$k")" 10 || stuck+=" node-$k"
    done
    [ -z "$stuck" ] || die "still running after SIGKILL:$stuck"
    [ -z "$killed" ]
}

# Node K's network is there: its namespace in a netns cluster; its loopback address otherwise (a netns
# cluster after 'down' has lost its namespaces, and its nodes' addresses with them).
check_node_network() { # K
    if netns_mode; then
        ip netns list 2>/dev/null | cut -d' ' -f1 | grep -qxF "$(netns_node_ns "$1")" ||
            die "node-$1's network namespace $(netns_node_ns "$1") is gone: run '$prog up N --netns' again"
    elif ! grep -q "node-$1@127\." "$(node_dir "$1")/etc/org.cohort.cluster.cfg"; then
        die "node-$1 was made for a netns cluster whose namespaces are gone: run '$prog up' again"
    fi
}

cmd_stop() {
    [ $# -eq 1 ] || die "usage: $prog stop K"
    check_node_arg "$1"
    node_pid "$1" >/dev/null || { echo "node-$1 is not running"; return 0; }
    stop_nodes "$1" || exit 1
    echo "node-$1 stopped"
}

cmd_start() {
    [ $# -eq 1 ] || die "usage: $prog start K"
    check_node_arg "$1"
    local k=$1 pid n
    if pid=$(node_pid "$k"); then
        echo "node-$k is already running (pid $pid)"
    else
        check_node_network "$k"
        launch_node "$k"
        wait_pid_file "$k"
        pid=$(node_pid "$k")
    fi
    n=$(node_numbers | wc -l)
    wait_ready "$n" shell "$up_timeout" "$k"
    echo "node-$k started (pid $pid); its shell answers on 127.0.0.1:$(node_ssh_port "$k")"
}

cmd_pause() {
    [ $# -eq 1 ] || die "usage: $prog pause K"
    check_node_arg "$1"
    local pid
    pid=$(signal_node "$1" STOP) || die "node-$1 is not running"
    echo "node-$1 paused (pid $pid, SIGSTOP)"
}

cmd_resume() {
    [ $# -eq 1 ] || die "usage: $prog resume K"
    check_node_arg "$1"
    local pid
    pid=$(signal_node "$1" CONT) || die "node-$1 is not running"
    echo "node-$1 resumed (pid $pid, SIGCONT)"
}

cmd_logs() {
    [ $# -eq 1 ] || die "usage: $prog logs K"
    check_node_arg "$1"
    local log
    log="$(node_dir "$1")/data/log/karaf.log"
    [ -f "$log" ] || die "node-$1 has no log yet ($log)"
    cat "$log"
}

cmd_down() {
    [ $# -eq 0 ] || die "usage: $prog down"
    physical_cluster_dir || { echo "No cluster in $cluster_dir."; return 0; }
    local -a running=()
    local k
    for k in $(node_numbers); do
        node_pid "$k" >/dev/null && running+=("$k")
    done
    if [ "${#running[@]}" -eq 0 ]; then
        echo "No node running in $cluster_dir."
    else
        echo "Stopping node(s) ${running[*]} in $cluster_dir..."
        # A node that had to be killed is reported by stop_nodes; it is gone all the same.
        stop_nodes "${running[@]}" || true
        echo "All nodes stopped."
    fi
    # Even when no node ran (a crashed run): the namespaces, veths and bridge go once their nodes have.
    local id=""
    netns_mode && id=$(netns_state id)
    netns_teardown
    [ -z "$id" ] || echo "Network namespaces cohort-$id-* removed."
}

command=${1:-help}
[ $# -gt 0 ] && shift
case "$command" in
    up) cmd_up "$@" ;;
    status) cmd_status "$@" ;;
    cli) cmd_cli "$@" ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    kill) cmd_kill "$@" ;;
    pause) cmd_pause "$@" ;;
    resume) cmd_resume "$@" ;;
    logs) cmd_logs "$@" ;;
    down) cmd_down "$@" ;;
    add) cmd_add "$@" ;;
    remove) cmd_remove "$@" ;;
    cut) cmd_cut "$@" ;;
    heal) cmd_heal "$@" ;;
    help | -h | --help) usage ;;
    *)
        usage >&2
        exit 2
        ;;
esac
