package org.cohort.testtools.shell;

import java.io.PrintStream;
import java.util.Collection;
import java.util.Map;
import org.apache.karaf.shell.support.table.ShellTable;

/** Prints a map of figures as a two-column table; a nested map becomes one row per entry, named after it. */
final class FigureTable {

    private FigureTable() {
    }

    static void print(Map<String, Object> figures, PrintStream out) {
        ShellTable table = new ShellTable();
        table.column("FIGURE");
        table.column("VALUE");
        addRows(table, "", figures);
        table.print(out);
    }

    private static void addRows(ShellTable table, String prefix, Map<?, ?> figures) {
        for (Map.Entry<?, ?> figure : figures.entrySet()) {
            String name = prefix + figure.getKey();
            Object value = figure.getValue();
            if (value instanceof Map<?, ?> nested) {
                if (nested.isEmpty()) {
                    table.addRow().addContent(name, "-");
                } else {
                    addRows(table, name + ".", nested);
                }
            } else if (value instanceof Collection<?> list) {
                table.addRow().addContent(name, String.join(", ", list.stream().map(String::valueOf).toList()));
            } else {
                table.addRow().addContent(name, value == null ? "-" : value);
            }
        }
    }
}
