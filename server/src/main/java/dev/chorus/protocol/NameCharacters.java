package dev.chorus.protocol;

/**
 * Which characters a name (a sender's name, a join's meta key) may not hold: Unicode controls (category Cc:
 * C0, DEL, C1), format characters (Cf: bidi overrides and isolates such as U+202E, zero-width joiners and
 * spaces, the byte-order mark) and line and paragraph separators (Zl, Zp). They are invisible or reorder
 * what follows, so a name holding them can pass for another ("ali", U+202E, "ce" is shown as "aliec") or
 * forge lines in other clients' views. Stateless.
 */
public final class NameCharacters {

  private NameCharacters() {
  }

  /** Whether {@code text} holds a character no name may hold. */
  public static boolean anyForbidden(String text) {
    return text.codePoints().anyMatch(NameCharacters::forbidden);
  }

  private static boolean forbidden(int codePoint) {
    return switch (Character.getType(codePoint)) {
      case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> true;
      default -> false;
    };
  }
}
