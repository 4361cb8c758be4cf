package dev.chorus.history;

import java.util.concurrent.ThreadLocalRandom;

/**
 * New epochs: 16 random hexadecimal digits. An epoch only has to differ from the room's earlier ones, and
 * 64 random bits do, so the fast per-thread generator serves (one is drawn for every append, in case the
 * room has no stream yet). Thread-safe.
 */
final class Epochs {

  private Epochs() {
  }

  static String next() {
    String hex = Long.toHexString(ThreadLocalRandom.current().nextLong());
    return "0".repeat(16 - hex.length()) + hex;
  }
}
