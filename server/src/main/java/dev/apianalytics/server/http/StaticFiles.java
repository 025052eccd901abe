package dev.apianalytics.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;

/**
 * Serves files from the classpath: {@code static/} at {@code /} and WebJars
 * ({@code META-INF/resources/webjars/}) at {@code /webjars/}. {@code /x} also finds
 * {@code x.html} and {@code x/index.html}, so pages have clean addresses. Unknown files are a JSON 404.
 */
public final class StaticFiles {

    private static final Map<String, String> CONTENT_TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("json", "application/json; charset=utf-8"),
            Map.entry("map", "application/json; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("woff", "font/woff"));

    private final ClassLoader loader;

    public StaticFiles(ClassLoader loader) {
        this.loader = loader;
    }

    /** Installs {@code GET /webjars/*} and the catch-all {@code GET /*}. */
    public void install(Router router) {
        router.get("/webjars/*", exchange -> serve(exchange, "META-INF/resources/webjars/",
                exchange.pathParameter("*"), "public, max-age=86400"));
        router.get("/*", exchange -> serve(exchange, "static/", exchange.pathParameter("*"), "no-cache"));
    }

    private void serve(Exchange exchange, String root, String relative, String cacheControl) throws IOException {
        if (relative.contains("..") || relative.contains("\\") || relative.startsWith("/")) {
            throw new ApiException(404, "no such file: " + exchange.path());
        }
        String[] candidates = relative.isEmpty() || relative.endsWith("/")
                ? new String[] {relative + "index.html"}
                : new String[] {relative, relative + ".html", relative + "/index.html"};
        for (String candidate : candidates) {
            byte[] content = read(root + candidate);
            if (content != null) {
                exchange.setHeader("Cache-Control", cacheControl);
                exchange.send(200, contentType(candidate), content);
                return;
            }
        }
        throw new ApiException(404, "no such file or endpoint: " + exchange.path());
    }

    private byte[] read(String resource) throws IOException {
        var url = loader.getResource(resource);
        if (url == null || url.toString().endsWith("/")) {
            return null;
        }
        if (url.getProtocol().equals("file") && new java.io.File(url.getPath()).isDirectory()) {
            return null;
        }
        try (InputStream in = url.openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            return null; // a directory inside a jar
        }
    }

    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return CONTENT_TYPES.getOrDefault(extension, "application/octet-stream");
    }
}
