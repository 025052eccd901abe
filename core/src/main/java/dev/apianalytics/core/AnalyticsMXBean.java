package dev.apianalytics.core;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** The {@link ApiAnalyticsMXBean} of one running {@link ApiAnalytics}, and its registration. */
final class AnalyticsMXBean implements ApiAnalyticsMXBean {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9 ._-]+");
    private static final double NANOS_PER_MILLI = 1e6;
    private static final AtomicInteger IDS = new AtomicInteger(1);
    private static final System.Logger LOGGER = System.getLogger("dev.apianalytics");

    private final ApiAnalytics analytics;

    private AnalyticsMXBean(ApiAnalytics analytics) {
        this.analytics = analytics;
    }

    /** Registers the bean; the name to unregister at close, or {@code null} when JMX refused it. */
    static ObjectName register(ApiAnalytics analytics, String framework) {
        String name = PLAIN.matcher(framework).matches() ? framework : ObjectName.quote(framework);
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName objectName = new ObjectName("dev.apianalytics:type=ApiAnalytics,name=" + name);
            while (true) {
                try {
                    server.registerMBean(new AnalyticsMXBean(analytics), objectName);
                    return objectName;
                } catch (InstanceAlreadyExistsException taken) {
                    // another instance of the same framework in this JVM (tests, several apps in one server)
                    objectName = new ObjectName("dev.apianalytics:type=ApiAnalytics,name=" + name + ",id=" + IDS.incrementAndGet());
                }
            }
        } catch (JMException | RuntimeException | LinkageError e) {
            LOGGER.log(System.Logger.Level.DEBUG, "API Analytics could not register its MXBean", e);
            return null;
        }
    }

    static void unregister(ObjectName name) {
        if (name == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (JMException | RuntimeException e) {
            LOGGER.log(System.Logger.Level.DEBUG, "API Analytics could not unregister its MXBean", e);
        }
    }

    @Override
    public int getQueueSize() {
        return analytics.stats().queued();
    }

    @Override
    public int getQueueCapacity() {
        return analytics.config().queueCapacity();
    }

    @Override
    public long getRecordsEnqueued() {
        return analytics.stats().enqueued();
    }

    @Override
    public long getRecordsSent() {
        return analytics.stats().sent();
    }

    @Override
    public long getRecordsDropped() {
        return analytics.stats().dropped();
    }

    @Override
    public long getRecordsDroppedQueueFull() {
        return analytics.stats().droppedQueueFull();
    }

    @Override
    public long getRecordsFailed() {
        return analytics.stats().failed();
    }

    @Override
    public long getUploadsRetried() {
        return analytics.stats().retried();
    }

    @Override
    public long getPosts() {
        return analytics.stats().posts().count();
    }

    @Override
    public double getLastPostMillis() {
        return analytics.stats().posts().lastNanos() / NANOS_PER_MILLI;
    }

    @Override
    public double getMeanPostMillis() {
        return analytics.stats().posts().meanNanos() / NANOS_PER_MILLI;
    }
}
