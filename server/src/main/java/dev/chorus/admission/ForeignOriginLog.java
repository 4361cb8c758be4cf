package dev.chorus.admission;

import dev.chorus.logging.LogGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The log of upgrades refused for their Origin: one line at the first, then at most one a minute with how
 * many were refused in between, since any web page can send them at will. The line names the setting that
 * admits a legitimate page. Thread-safe: shared by the node's event loops.
 */
final class ForeignOriginLog {

  static final Duration INTERVAL = Duration.ofNanos(LogGate.INTERVAL_NANOS);
  /** Of the Origin header, at most this many characters are logged. */
  private static final int MAX_SHOWN = 100;
  private static final Logger LOG = LoggerFactory.getLogger(ForeignOriginLog.class);

  private final LongSupplier nanoClock;
  private final LogGate gate = new LogGate();

  ForeignOriginLog(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /** Records one refusal of an upgrade with this Origin header. */
  void refused(String origin) {
    int before = gate.admit(nanoClock.getAsLong());
    if (before < 0) {
      return;
    }
    LOG.warn("Refused a WebSocket upgrade from Origin '{}' with 403: not this node's own origin nor listed in "
      + "security.allowedOrigins (ALLOWED_ORIGINS), which names the origins of pages allowed to connect "
      + "({} more refused since the last such line; at most one a minute)", shown(origin), before);
  }

  /** The header as logged: printable ASCII, shortened; it is whatever the client sent. */
  private static String shown(String origin) {
    StringBuilder shown = new StringBuilder();
    origin.chars().limit(MAX_SHOWN).forEach(c -> shown.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
    return origin.length() > MAX_SHOWN ? shown + "..." : shown.toString();
  }
}
