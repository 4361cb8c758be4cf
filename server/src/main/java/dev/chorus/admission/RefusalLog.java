package dev.chorus.admission;

import dev.chorus.logging.LogGate;
import org.slf4j.Logger;

/**
 * One log line per minute at most for a kind of refusal a client can repeat at will (a flood must not flood
 * the log): the first refusal of a minute is logged with how many went unlogged since the last line. Thread-safe.
 */
public final class RefusalLog {

  private final Logger log;
  private final LogGate gate = new LogGate();

  public RefusalLog(Logger log) {
    this.log = log;
  }

  /**
   * A refusal: logged at INFO as {@code message} (an SLF4J pattern with {@code args}) followed by the number of
   * unlogged ones, if no line was written in the last minute; else only counted.
   */
  public void refused(String message, Object... args) {
    int before = gate.admit(System.nanoTime());
    if (before < 0) {
      return;
    }
    if (log.isInfoEnabled()) {
      log.info(message + (before > 0 ? " (" + before + " more refused since the last such line)" : ""), args);
    }
  }
}
