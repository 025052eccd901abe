package dev.apianalytics.benchmarks.quarkus;

import dev.apianalytics.core.UploaderStats;
import dev.apianalytics.quarkus.ApiAnalyticsFilter;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;

/**
 * The load driver's control endpoint, in the line that {@code LoadServer}'s {@code /stats} answers
 * for the frameworks that run in its JVM: bytes allocated by every thread and by the uploader's,
 * the process's CPU time, the uploader's records enqueued, sent, dropped and failed (zeros
 * without an API key), the CPU time of the uploader's threads and the time the JIT has spent
 * compiling. A server JVM of its own has to answer it itself.
 */
@Path("/stats")
@Produces(MediaType.TEXT_PLAIN)
public class Stats {

    @Inject
    Instance<ApiAnalyticsFilter> filter;

    @GET
    public String stats() {
        long[] counts = {0, 0, 0, 0};
        if (filter.isResolvable() && filter.get().analytics().enabled()) {
            UploaderStats stats = filter.get().analytics().stats();
            counts = new long[] {stats.enqueued(), stats.sent(), stats.dropped(), stats.failed()};
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = threads.getAllThreadIds();
        long[] allocated = threads.getThreadAllocatedBytes(ids);
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        long total = 0;
        long uploader = 0;
        long uploaderCpu = 0;
        for (int i = 0; i < ids.length; i++) {
            if (allocated[i] > 0) {
                total += allocated[i];
                String name = infos[i] == null ? "" : infos[i].getThreadName();
                if (name.startsWith("api-analytics") || name.startsWith("HttpClient-")) {
                    uploader += allocated[i];
                    uploaderCpu += Math.max(0, threads.getThreadCpuTime(ids[i]));
                }
            }
        }
        long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        return total + " " + uploader + " " + cpu + " " + counts[0] + " " + counts[1] + " " + counts[2] + " " + counts[3]
                + " " + uploaderCpu + " " + ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }
}
