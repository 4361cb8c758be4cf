package dev.chorus.guard;

import dev.chorus.config.Settings;
import dev.chorus.protocol.ChatError;
import dev.chorus.protocol.CloseCode;
import dev.chorus.protocol.ProtocolException;
import dev.chorus.transport.ClientSocket;

/**
 * The limits of one /chat connection, called by its session: the rate limit before a message is decoded,
 * the name and chat-length rules, the number of rooms, and authentication when JWT is enabled (a token in {@code ?token=} or a
 * first {@code {"type":"auth","token":...}} message; a verified token's name replaces the join's name).
 * Confined to its socket's event loop.
 */
public final class ConnectionGuard {

  private final ClientSocket socket;
  private final RateLimiter rate;
  private final NameRules names;
  private final RoomLimit roomLimit;
  private final int maxChatChars;
  private final int abuseRejections;
  private final JwtAuthenticator jwt;
  private final GuardCounters counters;
  private String verifiedName;
  private boolean authenticating;
  private Runnable onAuthenticated;

  ConnectionGuard(ClientSocket socket, Settings.Limits limits, JwtAuthenticator jwt, GuardCounters counters) {
    this.socket = socket;
    this.rate = new RateLimiter(limits.messagesPerSecond(), limits.messageBurst());
    this.names = new NameRules(limits.maxNameChars());
    this.roomLimit = new RoomLimit(limits.maxRoomsPerConnection());
    this.maxChatChars = limits.maxChatChars();
    this.abuseRejections = limits.abuseRejections();
    this.jwt = jwt;
    this.counters = counters;
  }

  /** Starts authenticating with the upgrade's {@code ?token=} when JWT is enabled and one was given. */
  public void start() {
    String token = jwt == null ? null : tokenParameter(socket.query());
    if (token != null) {
      verify(token);
    }
  }

  /**
   * Whether a message may be processed. When not, the client got {@link ChatError#RATE_LIMITED}, or after
   * limits.abuseRejections rejections within 10 seconds a close 1008.
   */
  public boolean admit() {
    if (rate.tryAcquire()) {
      return true;
    }
    counters.rateLimited();
    if (rate.rejectedInWindow() >= abuseRejections) {
      socket.close(CloseCode.RATE_LIMIT_EXCEEDED);
    } else {
      reply(ChatError.RATE_LIMITED);
    }
    return false;
  }

  /**
   * Runs {@code action} once the connection may take part: at once when JWT is off or already verified,
   * else when its token is verified (never, if it fails). Keeps unauthenticated connections from hearing rooms.
   */
  public void whenAuthenticated(Runnable action) {
    if (jwt == null || verifiedName != null) {
      action.run();
    } else {
      onAuthenticated = action;
    }
  }

  /** Fails with {@link ChatError#AUTH_REQUIRED} when JWT is enabled and the connection is not authenticated. */
  public void requireAuthenticated() throws ProtocolException {
    if (jwt != null && verifiedName == null) {
      throw new ProtocolException(ChatError.AUTH_REQUIRED);
    }
  }

  /** The name a join gets: the verified token's if any, else the requested one if the rules allow it. */
  public String nameFor(String requested) throws ProtocolException {
    String name = verifiedName != null ? verifiedName : requested;
    if (!names.isValid(name)) {
      throw new ProtocolException(ChatError.INVALID_NAME);
    }
    return name;
  }

  /**
   * Whether a connection already in {@code currentRooms} rooms may join another (limits.maxRoomsPerConnection);
   * when not, the session answers {@link ChatError#TOO_MANY_ROOMS}.
   */
  public boolean mayJoinAnotherRoom(int currentRooms) {
    return roomLimit.mayJoin(currentRooms);
  }

  /** Fails with {@link ChatError#MESSAGE_TOO_LONG} for a chat message over limits.maxChatChars. */
  public void checkChat(String message) throws ProtocolException {
    if (message.length() > maxChatChars && message.codePointCount(0, message.length()) > maxChatChars) {
      throw new ProtocolException(ChatError.MESSAGE_TOO_LONG);
    }
  }

  /**
   * An auth message. Reading pauses until the token is verified, so later messages see the outcome; a token
   * that fails verification closes the connection with 1008.
   */
  public void authenticate(String token) throws ProtocolException {
    if (jwt == null || verifiedName != null || authenticating) {
      throw new ProtocolException(ChatError.INVALID_MESSAGE);
    }
    verify(token);
  }

  private void verify(String token) {
    authenticating = true;
    socket.pause();
    jwt.verifiedName(token).onComplete(result -> {
      authenticating = false;
      if (result.succeeded()) {
        verifiedName = result.result();
        if (onAuthenticated != null) {
          Runnable action = onAuthenticated;
          onAuthenticated = null;
          action.run();
        }
        socket.resume();
      } else {
        socket.close(CloseCode.AUTHENTICATION_FAILED);
      }
    });
  }

  private void reply(ChatError error) {
    socket.sendText(error.encoded());
  }

  /** The value of {@code token} in a query string, or null. */
  static String tokenParameter(String query) {
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      if (pair.startsWith("token=")) {
        return java.net.URLDecoder.decode(pair.substring("token=".length()), java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
