package dev.apianalytics.server.keys;

import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.ServerContext;
import dev.apianalytics.server.ServerExtension;
import dev.apianalytics.server.http.ApiException;
import dev.apianalytics.server.http.ClientAddresses;
import dev.apianalytics.server.http.Exchange;
import dev.apianalytics.server.http.Router;
import dev.apianalytics.server.limits.Limiter;
import dev.apianalytics.server.limits.Rate;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET|POST /api/generate-api-key} in the mode {@code --key-generation} sets, and
 * {@code GET /api/key-generation}, which tells the home page that mode (never the token).
 * {@code open} mints for anyone, at most {@code --keys-per-hour} per client address (per /64 for
 * IPv6, which hands each host that many addresses); {@code token} mints for whoever presents the
 * admin token, and wrong guesses count against the address's limit; {@code off} refuses.
 */
public final class KeyGenerationApi implements ServerExtension {

    public static final String MODE_PATH = "/api/key-generation";
    private static final String BEARER = "bearer ";

    private KeyGeneration mode;
    private byte[] tokenDigest;
    private KeyAuth keys;
    private Limiter perAddress;
    private ClientAddresses clients;
    private int keysPerHour;

    @Override
    public void install(Router router, ServerContext context) {
        ServerConfig config = context.config();
        mode = config.keyGeneration();
        tokenDigest = config.adminToken() == null ? null : sha256(config.adminToken());
        keys = context.keys();
        keysPerHour = config.keysPerHour();
        perAddress = Limiter.create(context.storage(), "keys", new Rate(keysPerHour, Duration.ofHours(1)), context.clock());
        clients = ClientAddresses.trusting(config.trustedProxies());
        router.get("/api/generate-api-key", this::generate);
        router.post("/api/generate-api-key", this::generate);
        router.get(MODE_PATH, exchange -> exchange.sendJson(200, Map.of("mode", mode.spelling())));
    }

    private void generate(Exchange exchange) throws Exception {
        if (exchange.method().equals("HEAD")) {
            // the router answers HEAD with the GET handler; a check that a URL exists must not mint
            throw new ApiException(405, "HEAD does not mint keys; use POST", Map.of("Allow", "GET, POST"));
        }
        switch (mode) {
            case OFF -> throw new ApiException(403, "key generation is turned off on this collector; ask its operator for a key");
            case TOKEN -> {
                requireToken(exchange);
                exchange.sendJson(201, keys.issue());
            }
            case OPEN -> {
                refuseOtherSitesEmbeds(exchange);
                limit(exchange);
                exchange.sendJson(200, keys.issue());
            }
        }
    }

    private void requireToken(Exchange exchange) {
        String authorization = exchange.header("Authorization");
        if (authorization == null || !authorization.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
            throw new ApiException(401, "key generation needs the admin token: send it as Authorization: Bearer <token>",
                    Map.of("WWW-Authenticate", "Bearer"));
        }
        // digests have one length whatever was sent, so the comparison's time tells nothing
        byte[] presented = sha256(authorization.substring(BEARER.length()).strip());
        if (!MessageDigest.isEqual(presented, tokenDigest)) {
            limit(exchange);
            throw new ApiException(403, "wrong admin token");
        }
    }

    /**
     * A browser says where a request comes from: a key minted by another site's image, script,
     * frame, form or link would be one its visitors never asked for. Scripts that call the API
     * (same site, or another site through CORS) and clients that are not browsers pass.
     */
    private static void refuseOtherSitesEmbeds(Exchange exchange) {
        String site = exchange.header("Sec-Fetch-Site");
        String mode = exchange.header("Sec-Fetch-Mode");
        if ("cross-site".equalsIgnoreCase(site) && !"cors".equalsIgnoreCase(mode)) {
            throw new ApiException(403, "keys are not minted for another site's embedded or linked request");
        }
    }

    private void limit(Exchange exchange) {
        long wait = perAddress.acquire(subject(clients.of(exchange)));
        if (wait > 0) {
            throw new ApiException(429, "too many keys from this address (limit " + keysPerHour + " per hour); retry in "
                    + wait + " s", Map.of("Retry-After", Long.toString(wait)));
        }
    }

    /** The address a limit counts: IPv4 as is, IPv6 by its /64, which one host or site gets whole. */
    static String subject(InetAddress address) {
        if (address == null) {
            return "unknown";
        }
        if (address instanceof Inet6Address) {
            byte[] bytes = address.getAddress();
            return HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
        }
        return address.getHostAddress();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
