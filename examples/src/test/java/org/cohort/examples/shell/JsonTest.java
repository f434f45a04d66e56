package org.cohort.examples.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesNestedMapsListsAndValues() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("n", 3L);
        value.put("ok", true);
        value.put("none", null);
        value.put("list", List.of(1, "two"));
        value.put("map", Map.of("k", 1.5));
        assertThat(Json.write(value))
                .isEqualTo("{\"n\":3,\"ok\":true,\"none\":null,\"list\":[1,\"two\"],\"map\":{\"k\":1.5}}");
    }

    @Test
    void escapesWhatMustBeEscaped() {
        assertThat(Json.write("a\"b\\c\nd\te\u0001\u007f")).isEqualTo("\"a\\\"b\\\\c\\nd\\te\\u0001\\u007f\"");
    }
}
