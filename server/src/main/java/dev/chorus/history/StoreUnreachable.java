package dev.chorus.history;

/** The history store could not be reached (or its schema not brought up to date) when the node started. */
public final class StoreUnreachable extends RuntimeException {

  public StoreUnreachable(String message, Throwable cause) {
    super(message, cause);
  }
}
