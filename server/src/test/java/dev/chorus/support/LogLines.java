package dev.chorus.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The lines one class's logger (or every logger's at ERROR) writes while this is open (a Logback ListAppender
 * on it), for tests of what operators see. In-process only; {@link #close()} detaches it.
 */
public final class LogLines implements AutoCloseable {

  private final Logger logger;
  private final Level threshold;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogLines(Logger logger, Level threshold) {
    this.logger = logger;
    this.threshold = threshold;
    appender.start();
    logger.addAppender(appender);
  }

  /** Starts capturing the lines of {@code type}'s logger. */
  public static LogLines of(Class<?> type) {
    return new LogLines((Logger) LoggerFactory.getLogger(type), Level.ALL);
  }

  /** Starts capturing every logger's lines at ERROR. */
  public static LogLines errors() {
    return new LogLines((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME), Level.ERROR);
  }

  /** The formatted messages logged so far, in order. */
  public List<String> messages() {
    return List.copyOf(appender.list).stream().filter(event -> event.getLevel().isGreaterOrEqual(threshold))
      .map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
  }
}
