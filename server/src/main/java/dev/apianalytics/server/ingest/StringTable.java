package dev.apianalytics.server.ingest;

import dev.apianalytics.server.http.ApiException;
import dev.apianalytics.server.ingest.RawRow.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * A compact batch's {@code strings}, which its rows name by index: no more of them than the text
 * fields of the most rows a post may carry (413 beyond). Each string's characters
 * count once when it is read and again for each row that names it, against the most text the
 * post may stand for (what a gzip body of its size may inflate to): a long string named by every
 * row would otherwise cost the parser, the cleaning and the memory budget far more than the body
 * it came in, so a post past it is refused with a 413, as the same rows sent in full would be.
 */
final class StringTable {

    private final List<Value> strings = new ArrayList<>();
    private final long maxStrings;
    private final long maxChars;
    private long chars;

    StringTable(long maxStrings, long maxChars) {
        this.maxStrings = maxStrings;
        this.maxChars = maxChars;
    }

    void add(String text) {
        if (strings.size() >= maxStrings) {
            throw new ApiException(413, "a post may carry at most " + maxStrings + " strings; send smaller batches");
        }
        count(text.length());
        strings.add(new Value(RawRow.Kind.STRING, text));
    }

    int size() {
        return strings.size();
    }

    /** The string at {@code index}, which must be within {@link #size()}, its characters counted. */
    Value refer(int index) {
        Value value = strings.get(index);
        count(value.text().length());
        return value;
    }

    private void count(int length) {
        chars += length;
        if (chars > maxChars) {
            throw new ApiException(413, "the batch's strings, counted once and again for each row that names them, come to"
                    + " more than " + maxChars + " characters, the most a post of its size may stand for; send smaller batches");
        }
    }
}
