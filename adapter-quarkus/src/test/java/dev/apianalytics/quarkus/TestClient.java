package dev.apianalytics.quarkus;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** GET requests to the application under test. */
final class TestClient {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private TestClient() {}

    static int get(URL base, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://" + base.getHost() + ":" + base.getPort() + path))
                .header("X-User-Id", "user-2").build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
