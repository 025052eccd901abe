package dev.apianalytics.server.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * What Jetty answers by itself (a request head too large, a URI it cannot decode, a request
 * refused while stopping, a request line that is not HTTP/1.x) in the collector's JSON error shape {@code {"status":N,"message":"..."}},
 * with the same security headers as every other answer, instead of Jetty's HTML page.
 */
final class JsonErrors extends ErrorHandler {

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        // a server-side failure's message may name internals: those get the status's own words
        Object message = status >= 500 ? null : request.getAttribute(ERROR_MESSAGE);
        if (status == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505) {
            // Jetty's word for a request line that is not HTTP/1.x, raw line breaks in the target included:
            // the client's fault, and a 5xx would trip the operator's alerts
            status = HttpStatus.BAD_REQUEST_400;
            message = "the request line must end in HTTP/1.1 or HTTP/1.0";
            response.setStatus(status);
        }
        ResponseHeaders.apply(request, response.getHeaders());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        ByteBuffer body = json(status, message == null ? null : message.toString());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.remaining());
        response.write(true, body, callback);
        return true;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        ResponseHeaders.apply(null, fields);
        fields.put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        return json(status, reason);
    }

    private static ByteBuffer json(int status, String message) {
        var body = new LinkedHashMap<String, Object>();
        body.put("status", status);
        body.put("message", message == null || message.isBlank() ? HttpStatus.getMessage(status) : message);
        return ByteBuffer.wrap(Json.GSON.toJson(body).getBytes(StandardCharsets.UTF_8));
    }
}
