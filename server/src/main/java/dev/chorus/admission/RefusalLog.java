package dev.chorus.admission;

import org.slf4j.Logger;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One log line per minute at most for a kind of refusal a client can repeat at will (a flood must not flood
 * the log): the first refusal of a minute is logged with how many went unlogged since the last line. Thread-safe.
 */
public final class RefusalLog {

  private static final long INTERVAL_NANOS = 60_000_000_000L;

  private final Logger log;
  private final AtomicLong nextLine = new AtomicLong(System.nanoTime());
  private final AtomicInteger unlogged = new AtomicInteger();

  public RefusalLog(Logger log) {
    this.log = log;
  }

  /**
   * A refusal: logged at INFO as {@code message} (an SLF4J pattern with {@code args}) followed by the number of
   * unlogged ones, if no line was written in the last minute; else only counted.
   */
  public void refused(String message, Object... args) {
    long now = System.nanoTime();
    long due = nextLine.get();
    if (now - due < 0 || !nextLine.compareAndSet(due, now + INTERVAL_NANOS)) {
      unlogged.incrementAndGet();
      return;
    }
    int before = unlogged.getAndSet(0);
    if (log.isInfoEnabled()) {
      log.info(message + (before > 0 ? " (" + before + " more refused since the last such line)" : ""), args);
    }
  }
}
