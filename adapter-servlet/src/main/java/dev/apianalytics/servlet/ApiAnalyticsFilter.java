package dev.apianalytics.servlet;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.Config;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;

/**
 * Records every HTTP request that passes through it for API Analytics: method, path, route
 * template, status, response time until the response is complete (also for asynchronous
 * requests), host, client address, user agent and user id.
 *
 * <p>Register it by code:
 * <pre>{@code
 * context.addFilter(new ApiAnalyticsFilter(Config.builder(apiKey).build()), "/*");
 * }</pre>
 * or in {@code web.xml} with init parameters ({@code api-key}, {@code server-url},
 * {@code privacy-level}, ...; see the project's docs/servlet.md). Map it to every path and
 * mark it {@code <async-supported>true</async-supported>} so asynchronous requests are
 * measured until they complete. The container's {@link #destroy()} sends what is queued.
 *
 * <p>Analytics never changes the response: a failing mapper leaves a field empty, and an
 * exception thrown by the application propagates unchanged (it is recorded as 500 unless the
 * response was already committed).
 */
public final class ApiAnalyticsFilter implements Filter {

    /** The name sent to the collector. */
    public static final String FRAMEWORK = "Servlet";

    /**
     * Marks a request this filter records, so that a filter registered twice records it once. An
     * attribute travels with the request, also to a thread that a filter in between continues the
     * chain on; a thread-local would not (and on Jetty the attribute costs a map per request).
     */
    private static final String SEEN = ApiAnalyticsFilter.class.getName() + ".seen";

    private Config config;
    private volatile ApiAnalytics analytics;
    /** The analytics the caller gave and owns, which {@link #destroy()} leaves open; else {@code null}. */
    private final ApiAnalytics given;

    /** For registration by code. */
    public ApiAnalyticsFilter(Config config) {
        this.config = Objects.requireNonNull(config, "config must not be null");
        this.given = null;
    }

    /**
     * For an application that owns its {@link ApiAnalytics} (a Spring bean, say): the filter records
     * into it and leaves closing it to the owner.
     */
    public ApiAnalyticsFilter(ApiAnalytics analytics) {
        this.given = Objects.requireNonNull(analytics, "analytics must not be null");
        this.analytics = analytics;
        this.config = analytics.config();
    }

    /** For {@code web.xml}: the configuration is read from the init parameters in {@link #init}. */
    public ApiAnalyticsFilter() {
        this.given = null;
    }

    /** The running analytics, for {@code flush} and {@code stats}; {@code null} before start or after stop. */
    public ApiAnalytics analytics() {
        return analytics;
    }

    /** Starts the uploader, reading the init parameters when no {@link Config} was given. */
    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        if (config == null) {
            config = InitParameters.toConfig(filterConfig);
        }
        if (analytics == null) {
            // a container that destroys and starts the filter again records into the same given analytics
            analytics = given != null ? given : ApiAnalytics.create(config, FRAMEWORK);
        }
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        ApiAnalytics current = analytics;
        if (current == null || !(request instanceof HttpServletRequest)
                || !(response instanceof HttpServletResponse) || request.getDispatcherType() != DispatcherType.REQUEST
                || !current.tracks(((HttpServletRequest) request).getRequestURI()) || request.getAttribute(SEEN) != null) {
            chain.doFilter(request, response);
            return;
        }
        long startNanos = System.nanoTime();
        long startMillis = System.currentTimeMillis();
        HttpServletRequest httpRequest = (HttpServletRequest) request;
        HttpServletResponse httpResponse = (HttpServletResponse) response;
        request.setAttribute(SEEN, Boolean.TRUE);
        boolean failed = true;
        try {
            chain.doFilter(request, response);
            failed = false;
        } finally {
            finish(current, httpRequest, httpResponse, failed, startNanos, startMillis);
        }
    }

    private static void finish(ApiAnalytics analytics, HttpServletRequest request, HttpServletResponse response,
            boolean failed, long startNanos, long startMillis) {
        if (!failed && request.isAsyncStarted()) {
            try {
                new Completion(analytics, request, response, startNanos, startMillis).awaitAsync(request.getAsyncContext());
                return;
            } catch (IllegalStateException completedMeanwhile) {
                // another thread completed it since isAsyncStarted(): the response is final, record it now
            }
        }
        // an exception escaping the filter becomes a 500 unless the response is already on its way
        int status = failed && !response.isCommitted() ? 500 : response.getStatus();
        Completion.record(analytics, request, status, startNanos, startMillis);
    }

    /**
     * Sends what is queued (within the configured shutdown timeout) and stops the uploader,
     * unless the analytics was given to the constructor: its owner closes it.
     */
    @Override
    public void destroy() {
        ApiAnalytics current = analytics;
        analytics = null;
        if (current != null && current != given) {
            current.close();
        }
    }
}
