package dev.chorus.chat;

import dev.chorus.auth.Authentication;
import dev.chorus.auth.Identity;
import dev.chorus.auth.JwtAuthenticator;
import dev.chorus.config.Settings;
import dev.chorus.metrics.ChorusMetrics;
import dev.chorus.protocol.ChatError;
import dev.chorus.protocol.ProtocolException;
import dev.chorus.protocol.RoomName;
import dev.chorus.webhooks.ApplicationProxy;
import io.vertx.core.Future;

/**
 * What a connection may do in a room, by the options of the room's namespace (rooms.defaults for rooms
 * without one): whether the room exists at all, who may join a private room, who may chat, whether presence
 * answers. A private room is granted by the connection token's {@code rooms} claim or by a room token in the
 * join ({@link JwtAuthenticator#verifyRoomToken}). Every denial is counted in chorus_denials_total by reason.
 * Immutable; shared by the connections of an event loop.
 */
public final class RoomAccess {

  /** Why a connection may be in a room: what to check again when its token changes. */
  enum Grant {
    /** The room is not private. */
    OPEN,
    /** The connection token's rooms claim: lost with a refresh whose claim no longer has it. */
    CLAIM,
    /** A room token in the join: good until the connection leaves. */
    ROOM_TOKEN,
    /** The join proxy allowed it: good until the connection leaves. */
    PROXY
  }

  /** A join allowed: why, and the meta to show (the join's, or the join proxy's instead). */
  record Entry(Grant grant, String meta) {
  }

  /** Denial reasons, as chorus_denials_total counts them. */
  static final String NO_GRANT = "no_grant";
  static final String INVALID_ROOM_TOKEN = "invalid_room_token";
  static final String ROOM_TOKEN_MISMATCH = "room_token_mismatch";
  static final String PUBLISH_NOT_ALLOWED = "publish_not_allowed";
  static final String PROXY_DENIED = "proxy_denied";

  private final Settings.Rooms rooms;
  private final ApplicationProxy proxy;
  private final ChorusMetrics metrics;

  public RoomAccess(Settings.Rooms rooms, ApplicationProxy proxy, ChorusMetrics metrics) {
    this.rooms = rooms;
    this.proxy = proxy;
    this.metrics = metrics;
  }

  /** The options of a validly named room; fails with {@link ChatError#INVALID_ROOM} for an unknown namespace. */
  Settings.RoomOptions options(String room) throws ProtocolException {
    Settings.RoomOptions options = rooms.options(RoomName.namespaceOf(room));
    if (options == null) {
      throw new ProtocolException(ChatError.INVALID_ROOM);
    }
    return options;
  }

  /** Whether connections that have not joined anything hear the lobby: not when it is private. */
  boolean lobbyIsOpen() {
    return !rooms.defaults().privateRoom();
  }

  /**
   * Whether {@code user} may join {@code room} with {@code meta}: in a room with {@code "proxy": true} the join
   * proxy decides (and so grants private rooms too); otherwise a private room is granted by the connection
   * token's claim or a room token ({@code token}, null when the join has none). Fails with a
   * {@link ProtocolException} naming the answer: "Not allowed in that room." (the denial counted) or, when the
   * proxy could not answer, "Try again later.".
   */
  Future<Entry> mayJoin(String room, Settings.RoomOptions options, Authentication auth, String token, String user,
                        String meta) {
    if (options.proxy() && proxy.joins()) {
      // The application decides every join of its proxied rooms, private ones included.
      return proxy.join(user, room, meta).compose(answer -> switch (answer.outcome()) {
        case ALLOW -> Future.succeededFuture(new Entry(Grant.PROXY, answer.replacement() != null ? answer.replacement() : meta));
        case DENY -> deny(PROXY_DENIED);
        case UNAVAILABLE -> Future.failedFuture(new ProtocolException(ChatError.TRY_AGAIN_LATER));
      });
    }
    if (!options.privateRoom()) {
      return Future.succeededFuture(new Entry(Grant.OPEN, meta));
    }
    if (granted(room, auth)) {
      return Future.succeededFuture(new Entry(Grant.CLAIM, meta));
    }
    if (token != null && auth.identity() != null) {
      return auth.verifyRoomToken(token, room).map(v -> new Entry(Grant.ROOM_TOKEN, meta)).recover(failure -> deny(
        failure instanceof JwtAuthenticator.RoomTokenMismatch ? ROOM_TOKEN_MISMATCH : INVALID_ROOM_TOKEN));
    }
    return deny(NO_GRANT);
  }

  /**
   * What the publish proxy makes of a chat in a room with {@code "proxy": true}: the text to publish (the
   * chat's, or the proxy's instead); fails with "Message rejected." or "Try again later.". The proxy is told
   * the chat's {@code id} (null: none), so it can recognise a chat sent again. Without a publish
   * proxy, or in other rooms, the chat's own text.
   */
  Future<String> mayPublish(String room, Settings.RoomOptions options, String user, String message, String id) {
    if (!options.proxy() || !proxy.publishes()) {
      return Future.succeededFuture(message);
    }
    return proxy.publish(user, room, message, id).compose(answer -> switch (answer.outcome()) {
      case ALLOW -> Future.succeededFuture(answer.replacement() != null ? answer.replacement() : message);
      case DENY -> {
        metrics.denied(PROXY_DENIED);
        yield Future.failedFuture(new ProtocolException(ChatError.MESSAGE_REJECTED));
      }
      case UNAVAILABLE -> Future.failedFuture(new ProtocolException(ChatError.TRY_AGAIN_LATER));
    });
  }

  /** Whether a membership granted by the token's claim still is, after the token changed. */
  static boolean stillGranted(String room, Grant grant, Authentication auth) {
    return grant != Grant.CLAIM || granted(room, auth);
  }

  /** Whether a connection that has not joined {@code room} may see its presence. */
  boolean mayWatch(String room, Settings.RoomOptions options, Authentication auth) {
    if (!options.privateRoom() || granted(room, auth)) {
      return true;
    }
    metrics.denied(NO_GRANT);
    return false;
  }

  /** Whether members may chat in a room with these options; counted when not. */
  boolean membersMayChat(Settings.RoomOptions options) {
    if (options.membersPublish()) {
      return true;
    }
    metrics.denied(PUBLISH_NOT_ALLOWED);
    return false;
  }

  private static boolean granted(String room, Authentication auth) {
    Identity identity = auth.identity();
    return identity != null && identity.grants(room);
  }

  private <T> Future<T> deny(String reason) {
    metrics.denied(reason);
    return Future.failedFuture(new ProtocolException(ChatError.NOT_ALLOWED_IN_ROOM));
  }
}
