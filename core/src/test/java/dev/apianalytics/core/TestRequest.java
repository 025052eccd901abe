package dev.apianalytics.core;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** A plain RequestView, as an adapter would build over its framework's request. */
final class TestRequest implements RequestView {

    private final String method;
    private final String path;
    private final String remoteAddress;
    private final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    TestRequest(String method, String path, String remoteAddress, Map<String, String> headers) {
        this.method = method;
        this.path = path;
        this.remoteAddress = remoteAddress;
        this.headers.putAll(headers);
    }

    static TestRequest get(String path) {
        return new TestRequest("GET", path, "198.51.100.4",
                Map.of("Host", "api.example.com", "User-Agent", "curl/8.5.0"));
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String host() {
        return headers.getOrDefault("Host", "");
    }

    @Override
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new IllegalArgumentException("not a " + type.getName());
    }
}
