/**
 * What every Cohort shell command shares, in core and in sibling bundles: {@link JsonAction} (the
 * {@code -j/--json} switch, one result printed as JSON or for a human, node ids checked against the
 * cluster), {@link CommandJson} (the JSON itself, through Jackson) and {@link NodeIdCompleter}.
 *
 * <p>Core exports this package and nothing else; core's bundle registers the completer once, for every
 * bundle's commands. Siblings extend {@link JsonAction}: a new method in it is a minor version.
 */
@Version("1.0.0")
package org.cohort.shell;

import org.osgi.annotation.versioning.Version;
