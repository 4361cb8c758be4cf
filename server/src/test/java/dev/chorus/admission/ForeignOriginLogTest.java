package dev.chorus.admission;

import dev.chorus.support.LogLines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ForeignOriginLogTest {

  private final LogLines lines = LogLines.of(ForeignOriginLog.class);
  private final AtomicLong nanos = new AtomicLong(42);
  private final ForeignOriginLog log = new ForeignOriginLog(nanos::get);

  @AfterEach
  void release() {
    lines.close();
  }

  @Test
  void firstRefusalIsLoggedNamingTheSettingThenOneLineAMinuteCountingTheRest() {
    log.refused("http://evil.example");
    for (int i = 0; i < 1000; i++) {
      log.refused("http://evil.example");
    }
    assertEquals(1, lines.messages().size());
    String first = lines.messages().get(0);
    assertTrue(first.contains("security.allowedOrigins"), first);
    assertTrue(first.contains("'http://evil.example'"), first);

    nanos.addAndGet(ForeignOriginLog.INTERVAL.toNanos() - 1);
    log.refused("http://evil.example");
    assertEquals(1, lines.messages().size(), "still within the minute");

    nanos.incrementAndGet();
    log.refused("http://other.example");
    assertEquals(2, lines.messages().size());
    assertTrue(lines.messages().get(1).contains("1001 more refused"), lines.messages().get(1));
  }

  @Test
  void theHeaderIsLoggedPrintableAndShortened() {
    log.refused("http://evil.example/\u001b[31m" + "x".repeat(200));
    String line = lines.messages().get(0);
    // 25 characters before the x's: 100 shown in all.
    assertTrue(line.contains("'http://evil.example/?[31m" + "x".repeat(75) + "...'"), line);
  }
}
