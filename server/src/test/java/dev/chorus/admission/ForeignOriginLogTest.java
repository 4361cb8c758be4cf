package dev.chorus.admission;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ForeignOriginLogTest {

  private final Logger logger = (Logger) LoggerFactory.getLogger(ForeignOriginLog.class);
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final AtomicLong nanos = new AtomicLong(42);
  private final ForeignOriginLog log = new ForeignOriginLog(nanos::get);

  @BeforeEach
  void capture() {
    lines.start();
    logger.addAppender(lines);
  }

  @AfterEach
  void release() {
    logger.detachAppender(lines);
  }

  private List<String> messages() {
    return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void firstRefusalIsLoggedNamingTheSettingThenOneLineAMinuteCountingTheRest() {
    log.refused("http://evil.example");
    for (int i = 0; i < 1000; i++) {
      log.refused("http://evil.example");
    }
    assertEquals(1, lines.list.size());
    assertTrue(messages().get(0).contains("security.allowedOrigins"), messages().get(0));
    assertTrue(messages().get(0).contains("'http://evil.example'"), messages().get(0));

    nanos.addAndGet(ForeignOriginLog.INTERVAL.toNanos() - 1);
    log.refused("http://evil.example");
    assertEquals(1, lines.list.size(), "still within the minute");

    nanos.incrementAndGet();
    log.refused("http://other.example");
    assertEquals(2, lines.list.size());
    assertTrue(messages().get(1).contains("1001 more refused"), messages().get(1));
  }

  @Test
  void theHeaderIsLoggedPrintableAndShortened() {
    log.refused("http://evil.example/\u001b[31m" + "x".repeat(200));
    String line = messages().get(0);
    // 25 characters before the x's: 100 shown in all.
    assertTrue(line.contains("'http://evil.example/?[31m" + "x".repeat(75) + "...'"), line);
  }
}
