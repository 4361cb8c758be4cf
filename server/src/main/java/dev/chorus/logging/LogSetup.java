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

  /** Hazelcast's logging property: also read before cluster.xml is parsed, so it is set here too. */
  public static final String HAZELCAST_LOGGING_PROPERTY = "hazelcast.logging.type";

  /**
   * Selects the log format unless the operator already chose one with {@code -Dchorus.log.format}, and
   * routes Hazelcast's logging through SLF4J from its first line on.
   */
  public static void apply(Settings.Logging logging) {
    if (System.getProperty(FORMAT_PROPERTY) == null) {
      System.setProperty(FORMAT_PROPERTY, logging.format());
    }
    if (System.getProperty(HAZELCAST_LOGGING_PROPERTY) == null) {
      System.setProperty(HAZELCAST_LOGGING_PROPERTY, "slf4j");
    }
  }
}
