package dev.apianalytics.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apianalytics.core.Config;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The committed configuration metadata (IDE completion for {@code api-analytics.*}) is exactly what
 * core's settings table yields: one source of truth. When a setting changes, this test writes the
 * new file to {@code target/} and says where.
 */
class ConfigurationMetadataTest {

    private static final String RESOURCE = "META-INF/spring-configuration-metadata.json";
    private static final Map<String, String> JAVA_TYPES = Map.of(
            "string", "java.lang.String", "url", "java.lang.String", "privacy level", "java.lang.Integer",
            "duration", "java.time.Duration", "int", "java.lang.Integer", "boolean", "java.lang.Boolean",
            "header name", "java.lang.String", "path patterns", "java.util.List<java.lang.String>");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Test
    void theCommittedMetadataListsEverySettingOfTheTable() throws Exception {
        ObjectNode expected = metadata();
        ObjectNode committed;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(RESOURCE)) {
            assertThat(in).as(RESOURCE).isNotNull();
            committed = (ObjectNode) JSON.readTree(in);
        }
        if (!committed.equals(expected)) {
            Path generated = Path.of("target", "spring-configuration-metadata.json");
            Files.writeString(generated, JSON.writeValueAsString(expected) + "\n");
            assertThat(committed).as("copy " + generated.toAbsolutePath() + " to src/main/resources/" + RESOURCE)
                    .isEqualTo(expected);
        }
    }

    static ObjectNode metadata() {
        ObjectNode root = JSON.createObjectNode();
        root.putArray("groups").addObject()
                .put("name", "api-analytics")
                .put("description", "API Analytics: request analytics sent to your collector.");
        ArrayNode properties = root.putArray("properties");
        properties.addObject()
                .put("name", "api-analytics.enabled")
                .put("type", "java.lang.Boolean")
                .put("description", "Whether requests are recorded when api-analytics.api-key is set.")
                .put("defaultValue", true);
        for (Config.Setting setting : Config.settings()) {
            String type = JAVA_TYPES.get(setting.type());
            assertThat(type).as("a Java type for the setting type '" + setting.type() + "'").isNotNull();
            ObjectNode property = properties.addObject()
                    .put("name", "api-analytics." + setting.name())
                    .put("type", type)
                    .put("description", setting.description());
            if (!setting.defaultValue().isEmpty()) {
                switch (type) {
                    case "java.lang.Integer" -> property.put("defaultValue", Integer.parseInt(setting.defaultValue()));
                    case "java.lang.Boolean" -> property.put("defaultValue", Boolean.parseBoolean(setting.defaultValue()));
                    default -> property.put("defaultValue", setting.defaultValue());
                }
            }
        }
        return root;
    }
}
