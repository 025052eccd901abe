package dev.apianalytics.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * HTTP/1.1 over a plain socket, for requests a well-behaved client refuses to send: raw
 * non-UTF-8 bytes and broken percent-escapes in the path, oversized headers, and a client that
 * hangs up in the middle of a response.
 */
final class RawHttp {

    /** A response: status code, the header block as text, and the body bytes read. */
    record Response(int status, String head, byte[] body) {
        String bodyText() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }

        /** The body without chunked framing, as far as complete chunks were read. */
        byte[] content() {
            if (!head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
                return body;
            }
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            int at = 0;
            while (true) {
                int lineEnd = indexOfCrlf(body, at);
                if (lineEnd < 0) {
                    return content.toByteArray();
                }
                int size = Integer.parseInt(new String(body, at, lineEnd - at, StandardCharsets.US_ASCII).trim(), 16);
                int start = lineEnd + 2;
                int available = Math.min(size, body.length - start);
                if (size == 0 || available <= 0) {
                    return content.toByteArray();
                }
                content.write(body, start, available);
                if (available < size) {
                    return content.toByteArray();
                }
                at = start + size + 2;
            }
        }

        @Override
        public String toString() {
            return "HTTP " + status + " " + body.length + " bytes";
        }
    }

    private RawHttp() {}

    private static int indexOfCrlf(byte[] bytes, int from) {
        for (int i = from; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Sends {@code GET <rawTarget>} with {@code Connection: close} and reads the whole answer. */
    static Response get(int port, byte[] rawTarget, String requestId, String... extraHeaders) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            send(socket, rawTarget, requestId, extraHeaders);
            return read(socket.getInputStream(), Integer.MAX_VALUE);
        }
    }

    /**
     * Sends {@code GET <rawTarget>}, reads the head and {@code bodyBytes} of the body, then
     * resets the connection while the server is still writing.
     */
    static Response getAndHangUp(int port, String target, String requestId, int bodyBytes) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        try {
            socket.setSoTimeout(10_000);
            send(socket, target.getBytes(StandardCharsets.US_ASCII), requestId);
            return read(socket.getInputStream(), bodyBytes);
        } finally {
            // linger 0: close with a reset, as a client killed mid-download does
            socket.setSoLinger(true, 0);
            socket.close();
        }
    }

    private static void send(Socket socket, byte[] rawTarget, String requestId, String... extraHeaders) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write("GET ".getBytes(StandardCharsets.US_ASCII));
        request.write(rawTarget);
        // one Host for every app, so that answers naming it compare equal
        StringBuilder head = new StringBuilder(" HTTP/1.1\r\nHost: api.example.test")
                .append("\r\nX-Request-Id: ").append(requestId)
                .append("\r\nConnection: close\r\n");
        for (String header : extraHeaders) {
            head.append(header).append("\r\n");
        }
        head.append("\r\n");
        request.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        OutputStream out = socket.getOutputStream();
        out.write(request.toByteArray());
        out.flush();
    }

    private static Response read(InputStream in, int maxBodyBytes) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before the end of the response head: " + head);
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String headText = head.toString(StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(headText.substring(9, 12));
        // Connection: close, so the body ends at EOF; chunked framing is left in, which is fine for comparing
        byte[] body = maxBodyBytes == Integer.MAX_VALUE ? in.readAllBytes() : in.readNBytes(maxBodyBytes);
        return new Response(status, headText, Arrays.copyOf(body, body.length));
    }
}
