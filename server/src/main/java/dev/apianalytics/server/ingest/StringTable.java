package dev.apianalytics.server.ingest;

import dev.apianalytics.server.http.ApiException;
import dev.apianalytics.server.ingest.RawRow.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * A compact batch's {@code strings}, which its rows name by index. Each reference counts the
 * string's characters against the most a post may decompress to: a long string named by every
 * row would otherwise cost the parser, the cleaning and the memory of a body many times larger
 * than the cap on bodies, so a post that refers to more is refused with a 413, as the same rows
 * sent in full would be.
 */
final class StringTable {

    private final List<Value> strings = new ArrayList<>();
    private final long maxReferencedChars;
    private long referencedChars;

    StringTable(long maxReferencedChars) {
        this.maxReferencedChars = maxReferencedChars;
    }

    void add(String text) {
        strings.add(new Value(RawRow.Kind.STRING, text));
    }

    int size() {
        return strings.size();
    }

    /** The string at {@code index}, which must be within {@link #size()}, its characters counted. */
    Value refer(int index) {
        Value value = strings.get(index);
        referencedChars += value.text().length();
        if (referencedChars > maxReferencedChars) {
            throw new ApiException(413, "the rows refer to more than " + maxReferencedChars
                    + " characters of strings, the most a post may carry; send smaller batches");
        }
        return value;
    }
}
