package dev.apianalytics.demo;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Who the demo's synthetic clients pretend to be: addresses in several countries and real user agents. */
final class Visitors {

    static final List<String> ADDRESSES = List.of(
            "8.8.8.8", "9.9.9.9", "81.2.69.142", "5.9.0.10", "163.172.1.1", "133.242.0.3",
            "200.160.2.3", "1.1.1.1", "94.100.180.200", "77.88.55.60", "41.0.0.1", "103.102.166.224");

    static final List<String> USER_AGENTS = List.of(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
            "Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Mobile Safari/537.36",
            "curl/8.11.0",
            "python-requests/2.32.3",
            "Go-http-client/2.0",
            "okhttp/4.12.0",
            "PostmanRuntime/7.43.0",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");

    static final List<String> USERS = List.of("alice", "bob", "carol", "dave", "erin", "frank", "grace");

    private Visitors() {}

    static <T> T pick(List<T> values) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        // skewed towards the first entries, as real traffic is
        int index = Math.min(values.size() - 1, (int) Math.floor(Math.abs(random.nextGaussian()) * values.size() / 2.5));
        return values.get(index);
    }
}
