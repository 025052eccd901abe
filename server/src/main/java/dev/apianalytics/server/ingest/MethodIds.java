package dev.apianalytics.server.ingest;

import java.util.List;

/** The family's integer ids for HTTP methods, as the data API writes them. */
public final class MethodIds {

    private static final List<String> NAMES = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "HEAD", "TRACE");

    static final int COUNT = NAMES.size();

    private MethodIds() {}

    /** The id of a known method (GET 0 ... TRACE 8), or -1 for one upstream does not know. */
    public static int id(String method) {
        return NAMES.indexOf(method);
    }

    static String name(int id) {
        return NAMES.get(id);
    }
}
