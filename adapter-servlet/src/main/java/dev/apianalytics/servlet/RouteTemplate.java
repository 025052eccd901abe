package dev.apianalytics.servlet;

import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;

/** The route template of a request: Spring MVC's matched pattern, else the servlet mapping. */
final class RouteTemplate {

    /** Spring MVC's {@code HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE}, read without depending on Spring. */
    static final String SPRING_PATTERN = "org.springframework.web.servlet.HandlerMapping.bestMatchingPattern";

    private RouteTemplate() {}

    /** The template, such as {@code /users/{id}} or {@code /users/*}, or {@code null} when none matched. */
    static String of(HttpServletRequest request) {
        String context = request.getContextPath();
        Object spring = request.getAttribute(SPRING_PATTERN);
        // a String from annotated controllers, a PathPattern in some functional-endpoint setups
        String pattern = spring == null ? null : spring.toString();
        if (pattern != null && !pattern.isEmpty()) {
            // "/**" is Spring Boot's static-resource catch-all: it names no route
            return "/**".equals(pattern) ? null : withContext(context, pattern);
        }
        HttpServletMapping mapping = request.getHttpServletMapping();
        if (mapping == null || mapping.getMappingMatch() == null) {
            return null;
        }
        switch (mapping.getMappingMatch()) {
            case CONTEXT_ROOT:
                return withContext(context, "/");
            case EXACT:
            case PATH:
                return withContext(context, mapping.getPattern());
            case EXTENSION:
                // "*.do" matches in any directory: "/*.do" reads as a path like the others
                return withContext(context, "/" + mapping.getPattern());
            default:
                // the default servlet serves whatever nothing else matched
                return null;
        }
    }

    /** The pattern under the context path; the pattern itself at the root context, the usual case, without a copy. */
    private static String withContext(String context, String pattern) {
        return context == null || context.isEmpty() ? pattern : context + pattern;
    }
}
