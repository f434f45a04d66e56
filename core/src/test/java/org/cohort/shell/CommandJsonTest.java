package org.cohort.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What every command's --json is: one line that any JSON parser takes, in the order the command built. */
class CommandJsonTest {

    @Test
    void writesMapsInOrderListsNumbersBooleansStringsAndNullOnOneLine() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("z", 1L);
        value.put("a", List.of(true, "x\"y\\\n\t\u0001"));
        value.put("n", null);
        value.put("d", 9.5);
        assertThat(CommandJson.write(value))
                .isEqualTo("{\"z\":1,\"a\":[true,\"x\\\"y\\\\\\n\\t\\u0001\"],\"n\":null,\"d\":9.5}");
    }

    @Test
    void aFigureThatIsNotAFiniteNumberIsWrittenAsNull() throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("nan", Double.NaN);
        figures.put("up", Double.POSITIVE_INFINITY);
        figures.put("down", Float.NEGATIVE_INFINITY);
        figures.put("fine", 0.25f);
        figures.put("list", Arrays.asList(Double.NaN, 1.5));
        String json = CommandJson.write(figures);

        assertThat(json).isEqualTo("{\"nan\":null,\"up\":null,\"down\":null,\"fine\":0.25,\"list\":[null,1.5]}");
        // A strict parser (Jackson's defaults refuse NaN) takes it.
        assertThat(new ObjectMapper().readTree(json).get("nan").isNull()).isTrue();
    }

    @Test
    void readsWholeNumbersAsLongAndOthersAsDouble() {
        @SuppressWarnings("unchecked")
        Map<String, Object> read = (Map<String, Object>) CommandJson.read("{\"small\":3,\"big\":12345678901,"
                + "\"ratio\":0.5,\"rows\":[{\"id\":\"node-1\"}],\"none\":null}");
        assertThat(read).containsEntry("small", 3L).containsEntry("big", 12345678901L).containsEntry("ratio", 0.5)
                .containsEntry("none", null);
        assertThat(read.keySet()).containsExactly("small", "big", "ratio", "rows", "none");
        assertThat(read.get("rows")).isEqualTo(List.of(Map.of("id", "node-1")));
    }

    @Test
    void refusesWhatIsNotJson() {
        assertThatThrownBy(() -> CommandJson.read("{\"a\":NaN}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not JSON: ");
        assertThatThrownBy(() -> CommandJson.read("{\"a\":1} and more")).isInstanceOf(IllegalArgumentException.class);
        assertThat(CommandJson.read("\n [1] \n")).isEqualTo(List.of(1L));
    }
}
