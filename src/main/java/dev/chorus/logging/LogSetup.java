package dev.chorus.logging;

import dev.chorus.config.Settings;

/**
 * Applies the logging settings to Logback's configuration (logback.xml) through the system property it
 * reads. Must run before the first logger is created: Logback reads its configuration once, on first use.
 */
public final class LogSetup {

  /** The system property logback.xml reads to pick its appender: {@code text} or {@code json}. */
  public static final String FORMAT_PROPERTY = "chorus.log.format";

  private LogSetup() {
  }

  /** Selects the log format unless the operator already chose one with {@code -Dchorus.log.format}. */
  public static void apply(Settings.Logging logging) {
    if (System.getProperty(FORMAT_PROPERTY) == null) {
      System.setProperty(FORMAT_PROPERTY, logging.format());
    }
  }
}
