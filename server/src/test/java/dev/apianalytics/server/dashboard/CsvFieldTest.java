package dev.apianalytics.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CSV export's guard against cells a spreadsheet would evaluate as a formula. */
class CsvFieldTest {

    @ParameterizedTest
    @ValueSource(strings = {"-0x1p3", "+1d", "-Infinity", "-NaN", "+Infinity", "-1e5", "-1.5E3", "+1", "-1f", "-0x10",
        "=1+1", "=HYPERLINK(\"http://x\")", "@SUM(A1)", "+A1", "-A1", "-", "+", "=", "@", "\t=1", "\r=1", "-1.", "-.5",
        "- 1", "-1 ", "-١٢", "-1,5"})
    void aCellASpreadsheetCouldEvaluateIsNeutralised(String value) {
        String cell = cell(value);
        String unquoted = cell.startsWith("\"") ? cell.substring(1, cell.length() - 1).replace("\"\"", "\"") : cell;
        assertThat(unquoted).as("cell for %s", value).isEqualTo("'" + value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-12.5", "-1", "0", "42", "0.25", "-0.0", "1e5", "/users/{id}", "Mozilla/5.0", "200"})
    void plainNumbersAndTextStayAsTheyAre(String value) {
        assertThat(cell(value)).isEqualTo(value);
    }

    private static String cell(String value) {
        var line = new StringBuilder();
        CsvExport.field(line, value);
        return line.toString();
    }
}
