package dev.apianalytics.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README honest: every Java snippet in it is an excerpt of an example that this
 * build compiles (its imports among that example's), and every relative link points at a file
 * that exists.
 */
class ReadmeTest {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#:]+)(#[^)]*)?\\)");

    @Test
    void everyJavaSnippetIsAnExcerptOfACompiledExample() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        List<List<String>> sources = exampleSources();
        Matcher block = JAVA_BLOCK.matcher(readme);
        int snippets = 0;
        while (block.find()) {
            snippets++;
            List<String> snippet = normalise(block.group(1));
            // a snippet's imports head it for the reader; in the example they sit above its class
            List<String> imports = snippet.stream().filter(line -> line.startsWith("import ")).toList();
            List<String> code = snippet.subList(imports.size(), snippet.size());
            assertThat(sources.stream().anyMatch(source -> source.containsAll(imports)
                            && java.util.Collections.indexOfSubList(source, code) >= 0))
                    .as("README snippet is not an excerpt of any example under examples/*/src/main/java:%n%s", block.group(1))
                    .isTrue();
        }
        assertThat(snippets).as("Java snippets found in README.md").isGreaterThanOrEqualTo(5);
    }

    @Test
    void everyRelativeLinkResolves() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher link = LINK.matcher(readme);
        List<String> missing = new ArrayList<>();
        while (link.find()) {
            if (!Files.exists(ROOT.resolve(link.group(1)))) {
                missing.add(link.group(1));
            }
        }
        assertThat(missing).as("README links to files that do not exist").isEmpty();
    }

    @Test
    void theDocumentedTestCommandIsWhatCiRuns() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String ci = Files.readString(ROOT.resolve(".ci/run"));
        assertThat(readme).contains("mvn -B verify");
        assertThat(ci).contains("mvn -B verify");
        assertThat(readme).contains("./demo.sh");
        assertThat(ROOT.resolve("demo.sh")).isExecutable();
    }

    private static List<List<String>> exampleSources() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT.resolve("examples"))) {
            List<Path> java = files
                    .filter(path -> path.toString().endsWith(".java"))
                    .filter(path -> path.toString().contains("/src/main/java/"))
                    .collect(Collectors.toList());
            List<List<String>> sources = new ArrayList<>();
            for (Path path : java) {
                sources.add(normalise(Files.readString(path)));
            }
            return sources;
        }
    }

    /** Lines without indentation, blank lines dropped: snippets may be indented differently. */
    private static List<String> normalise(String text) {
        return text.lines().map(String::strip).filter(line -> !line.isEmpty()).collect(Collectors.toList());
    }
}
