package dev.apianalytics.server.enrich;

import java.util.Locale;
import java.util.Map;

/**
 * HTTP tools and client libraries, recognised by the first product token of the header.
 * yauaa files them all under "Robot"; for an API they are people and programs calling it
 * on purpose, so we name them plainly and do not count them as bots.
 */
final class KnownTools {

    // first product token, lower case -> the name we report
    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("curl", "curl"),
            Map.entry("wget", "Wget"),
            Map.entry("python-requests", "python-requests"),
            Map.entry("python-urllib3", "urllib3"),
            Map.entry("python-urllib", "Python urllib"),
            Map.entry("python-httpx", "httpx"),
            Map.entry("go-http-client", "Go-http-client"),
            Map.entry("okhttp", "okhttp"),
            Map.entry("java-http-client", "Java HttpClient"),
            Map.entry("java", "Java"),
            Map.entry("apache-httpclient", "Apache-HttpClient"),
            Map.entry("apache-httpasyncclient", "Apache-HttpClient"),
            Map.entry("reactornetty", "Reactor Netty"),
            Map.entry("vert.x-webclient", "Vert.x WebClient"),
            Map.entry("jetty", "Jetty HttpClient"),
            Map.entry("postmanruntime", "Postman"),
            Map.entry("postman", "Postman"),
            Map.entry("insomnia", "Insomnia"),
            Map.entry("httpie", "HTTPie"),
            Map.entry("axios", "axios"),
            Map.entry("node-fetch", "node-fetch"),
            Map.entry("node", "Node.js"),
            Map.entry("undici", "undici"),
            Map.entry("got", "got"),
            Map.entry("k6", "k6"),
            Map.entry("guzzlehttp", "Guzzle"),
            Map.entry("libwww-perl", "libwww-perl"),
            Map.entry("dart", "Dart"),
            Map.entry("restsharp", "RestSharp"),
            Map.entry("faraday", "Faraday"));

    private KnownTools() {}

    /** The tool's name, or {@code null} when the header does not start with a known tool. */
    static String name(String userAgent) {
        int end = 0;
        int length = userAgent.length();
        while (end < length) {
            char c = userAgent.charAt(end);
            if (c == '/' || c == ' ' || c == ';' || c == '(') {
                break;
            }
            end++;
        }
        if (end == 0 || end > 32) {
            return null;
        }
        return NAMES.get(userAgent.substring(0, end).toLowerCase(Locale.ROOT));
    }
}
