package dev.apianalytics.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.core.internal.TestCollector;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** Every running analytics carries its figures on JMX, without Micrometer, and takes them away at close. */
class MXBeanTest {

    private static final MBeanServer JMX_SERVER = ManagementFactory.getPlatformMBeanServer();

    @Test
    void theMXBeanCarriesTheUploadersFiguresUntilClose() throws Exception {
        ObjectName name = new ObjectName("dev.apianalytics:type=ApiAnalytics,name=JMX test");
        try (TestCollector collector = TestCollector.start()) {
            try (ApiAnalytics analytics = ApiAnalytics.create(collector.config().queueCapacity(40).build(), "JMX test")) {
                for (int i = 0; i < 3; i++) {
                    analytics.record(TestRequest.get("/users/" + i), 200, "/users/{id}", System.nanoTime(), System.currentTimeMillis());
                }
                assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();

                ApiAnalyticsMXBean bean = JMX.newMXBeanProxy(JMX_SERVER, name, ApiAnalyticsMXBean.class);
                assertThat(bean.getRecordsEnqueued()).isEqualTo(3);
                assertThat(bean.getRecordsSent()).isEqualTo(3);
                assertThat(bean.getRecordsDropped()).isZero();
                assertThat(bean.getRecordsFailed()).isZero();
                assertThat(bean.getUploadsRetried()).isZero();
                assertThat(bean.getQueueSize()).isZero();
                assertThat(bean.getQueueCapacity()).isEqualTo(40);
                assertThat(bean.getPosts()).isEqualTo(collector.posts().size()).isPositive();
                assertThat(bean.getLastPostMillis()).isPositive();
                assertThat(bean.getMeanPostMillis()).isPositive();

                try (ApiAnalytics second = ApiAnalytics.create(collector.config().build(), "JMX test")) {
                    assertThat(JMX_SERVER.queryNames(new ObjectName("dev.apianalytics:type=ApiAnalytics,name=JMX test,*"), null))
                            .as("a second instance of the same framework gets a name of its own").hasSize(2);
                }
            }
        }
        assertThat(JMX_SERVER.isRegistered(name)).isFalse();
    }

    @Test
    void aDisabledInstanceRegistersNothing() throws Exception {
        try (ApiAnalytics analytics = ApiAnalytics.create(Config.builder("").build(), "JMX disabled")) {
            assertThat(JMX_SERVER.queryNames(new ObjectName("dev.apianalytics:type=ApiAnalytics,name=JMX disabled,*"), null)).isEmpty();
        }
    }
}
