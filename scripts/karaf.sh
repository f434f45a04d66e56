#!/usr/bin/env bash
#
# Builds Cohort's Karaf distribution if it is missing or older than the sources, unpacks it under
# target/karaf, and starts it with its console in this terminal (logout or Ctrl-D stops it).
# The node is an embedded one-node cluster; its log is target/karaf/data/log/karaf.log.
#
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
home="$root/target/karaf"
stamp="$home/.unpacked-from"

find_tarball() {
    compgen -G "$root/karaf-assembly/target/cohort-karaf-assembly-*.tar.gz" | head -n 1 || true
}

sources_newer_than() {
    # Any source or build file changed after the tarball was built?
    [ -n "$(find "$root/pom.xml" "$root/api" "$root/core" "$root/examples" "$root/test-tools" "$root/features" "$root/karaf-assembly" \
        -path '*/target' -prune -o -type f -newer "$1" -print -quit)" ]
}

tarball=$(find_tarball)
if [ -z "$tarball" ] || sources_newer_than "$tarball"; then
    echo "Building the Cohort Karaf distribution (mvn install -DskipTests)..."
    (cd "$root" && mvn -B -q -ntp install -DskipTests)
    tarball=$(find_tarball)
    [ -n "$tarball" ] || { echo "the build made no karaf-assembly tarball" >&2; exit 1; }
fi

if [ -f "$home/karaf.pid" ] && kill -0 "$(cat "$home/karaf.pid")" 2>/dev/null; then
    echo "A Cohort node is already running from $home (pid $(cat "$home/karaf.pid")); stop it first." >&2
    exit 1
fi

if [ ! -f "$stamp" ] || [ "$tarball" -nt "$stamp" ]; then
    echo "Unpacking $(basename "$tarball") into $home"
    rm -rf "$home"
    mkdir -p "$home"
    tar -xzf "$tarball" -C "$home" --strip-components=1
    echo "$tarball" > "$stamp"
fi

echo "Starting Cohort in Karaf. Log: $home/data/log/karaf.log"
exec "$home/bin/karaf" "$@"
