package dev.chorus.protocol;

/**
 * The character rules of names (a sender's name, a join's meta key, a token's {@code sub}) and of the other
 * texts a join shows to others (its meta values). A name may not hold:
 * <ul>
 *   <li>Unicode controls (category Cc: C0, DEL, C1), format characters (Cf: bidi overrides and isolates such
 *   as U+202E, zero-width joiners and spaces, the byte-order mark) and line and paragraph separators (Zl, Zp):
 *   they are invisible or reorder what follows, so a name holding them can pass for another ("ali", U+202E,
 *   "ce" is shown as "aliec") or forge lines in other clients' views;</li>
 *   <li>Unicode's default-ignorable code points (Default_Ignorable_Code_Point, which renderers show as
 *   nothing: the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0, the combining grapheme joiner U+034F,
 *   variation selectors U+FE00-U+FE0F, tags U+E0000-U+E0FFF, ...), and the braille blank U+2800 and object
 *   replacement U+FFFC, which look like nothing or like a space: "alice" with a U+3164 after it passes for
 *   "alice";</li>
 *   <li>more than {@link #MAX_COMBINING_MARKS} combining marks (Mn, Me) in a row: enough for any script's
 *   stacked accents and vowel signs, not for marks piled over other lines of a client's view.</li>
 * </ul>
 * A name that is only spaces (any space separator, Zs, such as U+00A0 or U+3000, or whitespace) is
 * {@link #blank}. Stateless.
 */
public final class NameCharacters {

  /** The most combining marks (categories Mn and Me) a name may hold in a row. */
  public static final int MAX_COMBINING_MARKS = 4;

  /** Default_Ignorable_Code_Point (Unicode's DerivedCoreProperties.txt), as inclusive ranges, ascending. */
  private static final int[][] DEFAULT_IGNORABLE = {
    {0x00AD, 0x00AD}, {0x034F, 0x034F}, {0x061C, 0x061C}, {0x115F, 0x1160}, {0x17B4, 0x17B5}, {0x180B, 0x180F},
    {0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x206F}, {0x3164, 0x3164}, {0xFE00, 0xFE0F}, {0xFEFF, 0xFEFF},
    {0xFFA0, 0xFFA0}, {0xFFF0, 0xFFF8}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0000, 0xE0FFF}};
  /** Braille pattern blank and object replacement character: shown as a blank or as nothing. */
  private static final int BRAILLE_BLANK = 0x2800;
  private static final int OBJECT_REPLACEMENT = 0xFFFC;

  private NameCharacters() {
  }

  /** Whether {@code text} holds a character no name may hold, or too many combining marks in a row. */
  public static boolean anyForbidden(String text) {
    int marks = 0;
    for (int i = 0; i < text.length(); ) {
      int codePoint = text.codePointAt(i);
      if (forbidden(codePoint)) {
        return true;
      }
      int type = Character.getType(codePoint);
      marks = type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK ? marks + 1 : 0;
      if (marks > MAX_COMBINING_MARKS) {
        return true;
      }
      i += Character.charCount(codePoint);
    }
    return false;
  }

  /** Whether {@code text} is empty or only whitespace and space separators (Zs, U+00A0 and U+3000 too). */
  public static boolean blank(String text) {
    return text.codePoints()
      .allMatch(c -> Character.isWhitespace(c) || Character.getType(c) == Character.SPACE_SEPARATOR);
  }

  /**
   * Whether {@code text}, shown to others but no name (a meta value), holds a control character (Cc, line
   * breaks included) or a bidi embedding, override or isolate (U+202A-U+202E, U+2066-U+2069), which would
   * forge lines in other clients' views or reorder what follows it.
   */
  public static boolean anyControlOrBidi(String text) {
    return text.codePoints().anyMatch(c -> Character.getType(c) == Character.CONTROL
      || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069));
  }

  private static boolean forbidden(int codePoint) {
    return switch (Character.getType(codePoint)) {
      case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> true;
      default -> codePoint == BRAILLE_BLANK || codePoint == OBJECT_REPLACEMENT || defaultIgnorable(codePoint);
    };
  }

  private static boolean defaultIgnorable(int codePoint) {
    for (int[] range : DEFAULT_IGNORABLE) {
      if (codePoint < range[0]) {
        return false;
      }
      if (codePoint <= range[1]) {
        return true;
      }
    }
    return false;
  }
}
