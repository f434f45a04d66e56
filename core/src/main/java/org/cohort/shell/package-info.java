/**
 * What every Cohort shell command shares, in core and in sibling bundles: {@link JsonAction} (the
 * {@code -j/--json} switch, one result printed as JSON or for a human, node ids checked against the
 * cluster), {@link CommandJson} (the JSON itself, through Jackson) and {@link NodeIdCompleter}.
 *
 * <p>Core exports this package and {@code org.cohort.embed}, nothing else; core's bundle registers the
 * completer once, for every bundle's commands. Siblings extend {@link JsonAction}, a consumer type: a
 * change to what it asks of its subclasses is a major version (see docs/compatibility.md).
 */
@Version("1.0.0")
package org.cohort.shell;

import org.osgi.annotation.versioning.Version;
