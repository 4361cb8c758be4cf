package dev.chorus.history;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Epochs: 16 hexadecimal digits. An epoch only has to differ from the room's earlier ones, and 64 random bits
 * do ({@link #next}). A room with nothing stored has no stream, yet a join answers its epoch: {@link #of}
 * derives it from what every node knows (the store's generation, the room, a period of time), so every node
 * answers the same without storing anything, and the room's first message creates its stream under that
 * same epoch. Thread-safe.
 */
final class Epochs {

  private Epochs() {
  }

  /** A random epoch (or a store's generation). */
  static String next() {
    return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  }

  /** The epoch of {@code room} while it has nothing stored, in {@code generation} and {@code period}. */
  static String of(String generation, String room, long period) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      byte[] digest = sha256.digest((generation + "\n" + period + "\n" + room).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
