#!/usr/bin/env bash
#
# Stops the JVMs that tests or scripts started under this checkout and left behind: it reads each
# karaf.pid below a target/ folder and stops that pid only if the process is a Karaf of that very
# folder, and likewise the external test node's pid file. It never matches processes by name.
#
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

is_karaf_of() { # pid home
    local cmdline
    cmdline=$(tr '\0' '\n' 2>/dev/null < "/proc/$1/cmdline") || return 1
    grep -qxF -e "-Dkaraf.home=$2" -e "-Dkaraf.base=$2" <<< "$cmdline"
}

stopped=0
while IFS= read -r pidfile; do
    home=$(cd "$(dirname "$pidfile")" && pwd)
    pid=$(tr -dc '0-9' < "$pidfile")
    [ -n "$pid" ] || continue
    is_karaf_of "$pid" "$home" || continue
    echo "Stopping Karaf pid $pid left behind in $home"
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -9 "$pid" 2>/dev/null
    fi
    stopped=$((stopped + 1))
done < <(find "$root" -path '*/target/*' -name karaf.pid -type f 2>/dev/null)

# The plain-Java second node of the in-container tests normally exits with the test JVM; if not, its
# pid file says which process it is.
while IFS= read -r pidfile; do
    pid=$(tr -dc '0-9' < "$pidfile")
    [ -n "$pid" ] || continue
    tr '\0' '\n' 2>/dev/null < "/proc/$pid/cmdline" | grep -qxF org.cohort.itests.external.ExternalNode || continue
    echo "Stopping external test node pid $pid"
    kill -9 "$pid" 2>/dev/null
    stopped=$((stopped + 1))
done < <(find "$root" -path '*/target/external-node/*' -name '*.pid' -type f 2>/dev/null)

# The network namespaces of an interrupted netns cluster (scripts/cluster.sh up --netns): the run's id
# is in its cluster folder's .netns, and its nodes were stopped above.
while IFS= read -r state; do
    id=$(sed -n 's/^id=//p' "$state" | head -n 1)
    [[ $id =~ ^[0-9a-f]{8}$ ]] || continue
    for ns in $(ip netns list 2>/dev/null | cut -d' ' -f1 | grep -E "^cohort-$id-(sw|n[1-9])\$"); do
        echo "Removing network namespace $ns left behind"
        ip netns delete "$ns"
    done
    rm -f "$state" "$(dirname "$state")/.netns-cuts"
done < <(find "$root" -path '*/target/*' -name .netns -type f 2>/dev/null)

echo "Stopped $stopped leftover test process(es)."
