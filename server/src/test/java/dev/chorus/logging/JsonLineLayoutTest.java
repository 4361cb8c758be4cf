package dev.chorus.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonLineLayoutTest {

  private final LoggerContext context = new LoggerContext();
  private final Logger logger = context.getLogger("dev.chorus.Example");

  @Test
  void eventIsOneJsonObjectOnOneLineWithItsFields() {
    LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.WARN,
      "quote \" backslash \\ newline \n tab \t {}", null, new Object[] {"é"});
    String line = new JsonLineLayout().doLayout(event);

    assertTrue(line.endsWith("\n"));
    assertFalse(line.strip().contains("\n"), "one line");
    JsonObject json = new JsonObject(line);
    assertEquals("WARN", json.getString("level"));
    assertEquals("dev.chorus.Example", json.getString("logger"));
    assertEquals("quote \" backslash \\ newline \n tab \t é", json.getString("message"));
    assertTrue(json.getString("ts").endsWith("Z"));
    assertFalse(json.containsKey("error"));
  }

  @Test
  void failureCarriesItsStackTrace() {
    LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.ERROR, "failed",
      new IllegalStateException("boom"), null);
    JsonObject json = new JsonObject(new JsonLineLayout().doLayout(event));
    assertTrue(json.getString("error").startsWith("java.lang.IllegalStateException: boom"), json.getString("error"));
  }
}
