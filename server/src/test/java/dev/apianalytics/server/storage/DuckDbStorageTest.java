package dev.apianalytics.server.storage;

import dev.apianalytics.server.summary.SummaryJob;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuckDbStorageTest extends StorageContractTest {

    @TempDir
    static Path dataDir;

    @Override
    Storage open() throws Exception {
        return DuckDbStorage.open(dataDir, SummaryJob.LATE_AFTER);
    }

    @Test
    void reopensTheSameFileWithItsData() throws Exception {
        Path dir = dataDir.resolve("reopen");
        long key;
        try (DuckDbStorage first = DuckDbStorage.open(dir, SummaryJob.LATE_AFTER)) {
            first.migrate(Schema.migrations());
            key = first.createKey("abc", T0);
        }
        try (DuckDbStorage second = DuckDbStorage.open(dir, SummaryJob.LATE_AFTER)) {
            second.migrate(Schema.migrations());
            org.assertj.core.api.Assertions.assertThat(second.findKey("abc")).hasValue(key);
        }
    }

    @Test
    void aSecondProcessCannotOpenTheFileAndIsToldWhy() throws Exception {
        Path dir = dataDir.resolve("locked");
        try (DuckDbStorage ignored = DuckDbStorage.open(dir, SummaryJob.LATE_AFTER)) {
            Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), LockProbe.class.getName(), dir.toString())
                    .redirectErrorStream(true).start();
            String output = new String(other.getInputStream().readAllBytes());
            other.waitFor();
            org.assertj.core.api.Assertions.assertThat(output).contains("in use by another process");
        }
    }

    /** Runs in a second JVM: tries to open a database the test holds open. */
    static final class LockProbe {
        public static void main(String[] args) {
            try (DuckDbStorage storage = DuckDbStorage.open(Path.of(args[0]), SummaryJob.LATE_AFTER)) {
                System.out.println("opened");
            } catch (Exception e) {
                System.out.println(e.getMessage());
            }
        }
    }
}
