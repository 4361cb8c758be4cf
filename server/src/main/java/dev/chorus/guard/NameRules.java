package dev.chorus.guard;

/**
 * Which names a client may use: 1 to {@code maxChars} characters (Unicode code points), not only
 * whitespace, and no control characters (C0, DEL, C1) or line and paragraph separators, which would let a
 * name forge lines in other clients' views.
 */
public final class NameRules {

  private final int maxChars;

  public NameRules(int maxChars) {
    if (maxChars < 1) {
      throw new IllegalArgumentException("maxChars must be positive");
    }
    this.maxChars = maxChars;
  }

  /** Whether {@code name} is acceptable. */
  public boolean isValid(String name) {
    if (name == null || name.isBlank()) {
      return false;
    }
    if (name.codePointCount(0, name.length()) > maxChars) {
      return false;
    }
    return name.codePoints().noneMatch(c -> Character.isISOControl(c)
      || Character.getType(c) == Character.LINE_SEPARATOR || Character.getType(c) == Character.PARAGRAPH_SEPARATOR);
  }
}
