package dev.apianalytics.server.ingest;

import dev.apianalytics.server.enrich.CountryLookup;
import dev.apianalytics.server.enrich.UserAgentInfo;
import dev.apianalytics.server.enrich.UserAgents;
import dev.apianalytics.server.storage.StoredRequest;

/** Adds country and user-agent columns and applies the privacy level, producing the stored row. */
final class Enricher {

    private final CountryLookup countries;

    Enricher(CountryLookup countries) {
        this.countries = countries;
    }

    StoredRequest enrich(IncomingRow row, int privacyLevel, String framework) {
        String country = privacyLevel >= 2 ? null : countries.country(row.ip());
        String ip = privacyLevel == 0 ? row.ipText() : null;
        UserAgentInfo agent = UserAgents.parse(row.userAgent());
        return new StoredRequest(
                row.createdAt(),
                row.hostname(),
                ip,
                row.path(),
                row.route(),
                row.method(),
                row.status(),
                row.responseTimeMs(),
                row.userAgent(),
                agent.client(),
                agent.os(),
                agent.device(),
                agent.bot(),
                country,
                row.userId(),
                framework,
                row.referrer());
    }
}
