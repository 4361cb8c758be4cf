package dev.chorus.history;

/**
 * The key a chat with a client id is stored under: the id, then the sender. An id is its sender's: the same
 * id from another sender names another message, so no one can make another's chat a "duplicate" by sending
 * its id first. The separator, U+0001, is in neither (ids are printable ASCII, names have no control
 * characters); made-up keys start with a space, which no id does.
 */
final class MessageKeys {

  private static final char SEPARATOR = '\u0001';

  private MessageKeys() {
  }

  static String of(String id, String sender) {
    return id + SEPARATOR + sender;
  }

  /** The id part of a key made by {@link #of}. */
  static String idOf(String key) {
    int separator = key.indexOf(SEPARATOR);
    return separator < 0 ? key : key.substring(0, separator);
  }
}
