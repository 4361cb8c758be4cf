package dev.chorus;

import java.util.logging.LogManager;

/**
 * The JDK's LogManager closes its handlers in a shutdown hook of its own, racing Chorus's: the lines that
 * say how a SIGTERM drain went would be lost. This manager skips that one reset; the process halts right
 * after the drain anyway. Installed by {@link Main} through {@code java.util.logging.manager}.
 */
public final class KeepLoggingOnShutdown extends LogManager {

  @Override
  public void reset() {
    if (!jvmShuttingDown()) {
      super.reset();
    }
  }

  private static boolean jvmShuttingDown() {
    Thread probe = new Thread(() -> { });
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }
}
