package dev.chorus.transport;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The server's side of negotiating permessage-deflate (RFC 7692 §5, §7.1) from a client's
 * Sec-WebSocket-Extensions offers, in their order of preference. The first acceptable offer is taken; an offer
 * is declined (and the next one considered) when it is malformed, has a parameter RFC 7692 does not define for
 * an offer, a parameter twice, or a parameter with a value it may not have. No acceptable offer: no
 * extension. A {@code server_max_window_bits} of N below 15 is accepted and answered although java.util.zip's
 * Deflater always uses a 32 KiB window: a message of at most 2^N bytes can refer back no further than that,
 * so such a connection gets compressed only the messages that short, and the rest plain (§6: each message
 * chooses).
 * <p>The answer always carries {@code server_no_context_takeover} (§7.1.1.1 lets the server add it unasked), so
 * each server message is compressed on its own and the same bytes can go to every socket. The client keeps
 * its context takeover unless it offered {@code client_no_context_takeover}, which is then answered (§7.1.1.2)
 * and each of its messages is inflated afresh. {@code client_max_window_bits} is accepted with or without a
 * value and not answered: an Inflater takes any window up to 15. Stateless and thread-safe.
 */
final class PerMessageDeflate {

  /** The extension's name in offers and answers. */
  static final String NAME = "permessage-deflate";

  private static final String SERVER_NO_CONTEXT = "server_no_context_takeover";
  private static final String CLIENT_NO_CONTEXT = "client_no_context_takeover";
  private static final String SERVER_MAX_WINDOW = "server_max_window_bits";
  private static final String CLIENT_MAX_WINDOW = "client_max_window_bits";
  private static final String TOKEN_CHARS = "!#$%&'*+-.^_`|~";

  /**
   * What was agreed for one connection: {@code clientNoContextTakeover} when the client offered it (and was
   * answered), {@code serverMaxWindowBits} the window its offer named (8-15), which the answer repeats
   * (§7.1.2.1), or 0 when it named none.
   */
  record Agreement(boolean clientNoContextTakeover, int serverMaxWindowBits) {

    /** The Sec-WebSocket-Extensions value of the answer. */
    String response() {
      return NAME + "; " + SERVER_NO_CONTEXT + (clientNoContextTakeover ? "; " + CLIENT_NO_CONTEXT : "")
        + (serverMaxWindowBits > 0 ? "; " + SERVER_MAX_WINDOW + "=" + serverMaxWindowBits : "");
    }

    /**
     * The longest message this connection may get compressed: any with the full window, else 2^N bytes
     * (the JDK's Deflater could otherwise refer back further than the client keeps).
     */
    int longestCompressed() {
      return serverMaxWindowBits == 0 || serverMaxWindowBits == 15 ? Integer.MAX_VALUE : 1 << serverMaxWindowBits;
    }
  }

  private PerMessageDeflate() {
  }

  /**
   * The agreement for the offers in {@code headerValues} (each a Sec-WebSocket-Extensions line of the
   * upgrade request, in order), or null when none is acceptable.
   */
  static Agreement negotiate(List<String> headerValues) {
    for (String value : headerValues) {
      for (String element : split(value, ',', false)) {
        Agreement agreed = accept(element);
        if (agreed != null) {
          return agreed;
        }
      }
    }
    return null;
  }

  /** One offer accepted, or null: another extension, or a permessage-deflate offer that is declined. */
  private static Agreement accept(String element) {
    List<String> parts = split(element, ';', true);
    if (parts.isEmpty() || !parts.get(0).trim().equalsIgnoreCase(NAME)) {
      return null;
    }
    Set<String> seen = new HashSet<>();
    boolean clientNoContext = false;
    int serverMaxWindow = 0;
    for (String part : parts.subList(1, parts.size())) {
      int equals = part.indexOf('=');
      String name = (equals < 0 ? part : part.substring(0, equals)).trim().toLowerCase(Locale.ROOT);
      String value = equals < 0 ? null : unquote(part.substring(equals + 1).trim());
      if (!isToken(name) || !seen.add(name) || (equals >= 0 && value == null)) {
        return null;
      }
      switch (name) {
        case SERVER_NO_CONTEXT -> {
          if (value != null) {
            return null;
          }
        }
        case CLIENT_NO_CONTEXT -> {
          if (value != null) {
            return null;
          }
          clientNoContext = true;
        }
        case SERVER_MAX_WINDOW -> {
          serverMaxWindow = windowBits(value);
          if (serverMaxWindow < 0) {
            return null;
          }
        }
        case CLIENT_MAX_WINDOW -> {
          if (value != null && windowBits(value) < 0) {
            return null;
          }
        }
        default -> {
          return null;
        }
      }
    }
    return new Agreement(clientNoContext, serverMaxWindow);
  }

  /** A window size of 8-15 written as 1*DIGIT, else -1 (also for none). */
  private static int windowBits(String value) {
    if (value == null || value.isEmpty() || value.length() > 2 || !value.chars().allMatch(Character::isDigit)) {
      return -1;
    }
    int bits = Integer.parseInt(value);
    return bits >= 8 && bits <= 15 ? bits : -1;
  }

  /** A parameter's value: a token as it is, a quoted-string unescaped; null when it is neither. */
  private static String unquote(String value) {
    if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
      StringBuilder unquoted = new StringBuilder();
      for (int i = 1; i < value.length() - 1; i++) {
        char c = value.charAt(i);
        if (c == '\\') {
          if (++i == value.length() - 1) {
            return null;
          }
          c = value.charAt(i);
        } else if (c == '"') {
          return null;
        }
        unquoted.append(c);
      }
      return unquoted.toString();
    }
    return isToken(value) ? value : null;
  }

  private static boolean isToken(String text) {
    if (text.isEmpty()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean alphanumeric = c < 0x80 && Character.isLetterOrDigit(c);
      if (!alphanumeric && TOKEN_CHARS.indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code text} cut at every {@code separator} outside a quoted-string; blank pieces are kept (an empty
   * parameter, which declines its offer) or left out (the list rule's empty elements). An unclosed quote runs
   * to the end, where its piece fails as a value.
   */
  private static List<String> split(String text, char separator, boolean keepBlank) {
    List<String> pieces = new ArrayList<>();
    StringBuilder piece = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted && c == '\\' && i + 1 < text.length()) {
        piece.append(c).append(text.charAt(++i));
        continue;
      }
      if (c == '"') {
        quoted = !quoted;
      }
      if (c == separator && !quoted) {
        add(pieces, piece, keepBlank);
      } else {
        piece.append(c);
      }
    }
    add(pieces, piece, keepBlank);
    return pieces;
  }

  private static void add(List<String> pieces, StringBuilder piece, boolean keepBlank) {
    if (keepBlank || !piece.toString().isBlank()) {
      pieces.add(piece.toString());
    }
    piece.setLength(0);
  }
}
