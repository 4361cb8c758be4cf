package dev.chorus.chat;

import dev.chorus.auth.Authentication;
import dev.chorus.auth.Identity;
import dev.chorus.auth.JwtAuthenticator;
import dev.chorus.config.Settings;
import dev.chorus.metrics.ChorusMetrics;
import dev.chorus.protocol.ChatError;
import dev.chorus.protocol.ProtocolException;
import dev.chorus.protocol.RoomName;
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
    ROOM_TOKEN
  }

  /** Denial reasons, as chorus_denials_total counts them. */
  static final String NO_GRANT = "no_grant";
  static final String INVALID_ROOM_TOKEN = "invalid_room_token";
  static final String ROOM_TOKEN_MISMATCH = "room_token_mismatch";
  static final String PUBLISH_NOT_ALLOWED = "publish_not_allowed";

  private final Settings.Rooms rooms;
  private final ChorusMetrics metrics;

  public RoomAccess(Settings.Rooms rooms, ChorusMetrics metrics) {
    this.rooms = rooms;
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
   * Whether the connection may join {@code room}: at once for a public room or one its token's claim grants,
   * else once a room token ({@code token}, null when the join has none) is verified. Fails, after counting the
   * denial, when it may not.
   */
  Future<Grant> mayJoin(String room, Settings.RoomOptions options, Authentication auth, String token) {
    if (!options.privateRoom()) {
      return Future.succeededFuture(Grant.OPEN);
    }
    if (granted(room, auth)) {
      return Future.succeededFuture(Grant.CLAIM);
    }
    if (token == null || auth.identity() == null) {
      return deny(NO_GRANT);
    }
    return auth.verifyRoomToken(token, room).<Grant>map(v -> Grant.ROOM_TOKEN).recover(failure -> deny(
      failure instanceof JwtAuthenticator.RoomTokenMismatch ? ROOM_TOKEN_MISMATCH : INVALID_ROOM_TOKEN));
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
  boolean mayPublish(Settings.RoomOptions options) {
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
    return Future.failedFuture(reason);
  }
}
