package dev.chorus.chat;

import dev.chorus.guard.ConnectionGuard;
import dev.chorus.history.HistoryEntry;
import dev.chorus.hub.Subscriber;
import dev.chorus.protocol.ChatError;
import dev.chorus.protocol.ClientMessage;
import dev.chorus.protocol.CloseCode;
import dev.chorus.protocol.MessageCodec;
import dev.chorus.protocol.ProtocolException;
import dev.chorus.protocol.RoomName;
import dev.chorus.protocol.ServerMessage;
import dev.chorus.transport.ClientSocket;
import io.vertx.core.Future;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One /chat connection, from upgrade to close: join rooms, chat, leave, ask who is there. Until its first
 * join it receives the lobby's broadcasts (as the seed's server does); from then on only its rooms'. Its
 * name is fixed by its first join (a verified token's name wins over it when JWT is enabled). Every message
 * passes the connection's {@link ConnectionGuard} first: rate limit, authentication, name rules, chat
 * length and the number of rooms. Runs on its socket's event loop.
 * <p>Ordering: one connection's chat messages are sequenced one after the other, so they keep their order;
 * its presence changes, join/leave notices and presence queries also run one after the other, so a "who"
 * after a join includes the joiner and a leave notice never precedes its join notice.
 */
public final class ChatSession {

  /** The room of the seed protocol, which has no rooms. */
  public static final String LOBBY = RoomName.LOBBY;

  private final ClientSocket socket;
  private final ChatRooms rooms;
  private final ConnectionGuard guard;
  private final String connection;
  private final Subscriber lobbyListener;
  private final Map<String, Subscriber> joined = new LinkedHashMap<>();
  private boolean listeningToLobby;
  private String name;
  private Future<?> sending = Future.succeededFuture();
  private Future<?> presenceChanges = Future.succeededFuture();

  private ChatSession(ClientSocket socket, ChatRooms rooms, ConnectionGuard guard) {
    this.socket = socket;
    this.rooms = rooms;
    this.guard = guard;
    this.connection = rooms.presence().newConnectionId();
    this.lobbyListener = rooms.hub().liveSubscriber(socket);
  }

  /** Attaches a session to a freshly accepted socket, within the limits of {@code guard}. */
  public static void attach(ClientSocket socket, ChatRooms rooms, ConnectionGuard guard) {
    ChatSession session = new ChatSession(socket, rooms, guard);
    guard.whenAuthenticated(session::listenToLobby);
    socket.onText(session::onText);
    socket.onBinary(data -> socket.close(CloseCode.UNSUPPORTED_DATA));
    socket.onClosed(session::onClose);
    guard.start();
  }

  /** Until its first join, a connection hears the lobby, as the seed's clients expect. */
  private void listenToLobby() {
    if (joined.isEmpty() && socket.isOpen()) {
      listeningToLobby = true;
      rooms.hub().subscribe(LOBBY, lobbyListener);
    }
  }

  private void onText(String text) {
    rooms.metrics().messageReceived();
    if (!guard.admit()) {
      return;
    }
    try {
      ClientMessage message = MessageCodec.decode(text);
      if (message instanceof ClientMessage.Auth auth) {
        guard.authenticate(auth.token());
        return;
      }
      guard.requireAuthenticated();
      if (message instanceof ClientMessage.Join join) {
        onJoin(join);
      } else if (message instanceof ClientMessage.Chat chat) {
        onChat(chat);
      } else if (message instanceof ClientMessage.Leave leave) {
        onLeave(leave);
      } else if (message instanceof ClientMessage.Who who) {
        onWho(who);
      }
    } catch (ProtocolException e) {
      reply(error(e.error(), null));
    }
  }

  private void onJoin(ClientMessage.Join join) throws ProtocolException {
    String room = join.room() == null ? LOBBY : join.room();
    if (joined.containsKey(room)) {
      reply(error(ChatError.ALREADY_JOINED, room));
      return;
    }
    // Every join's name must pass the rules; only the first one's is kept.
    String requested = guard.nameFor(join.name());
    if (!guard.mayJoinAnotherRoom(joined.size())) {
      reply(error(ChatError.TOO_MANY_ROOMS, room));
      return;
    }
    if (name == null) {
      name = requested;
    }
    if (listeningToLobby) {
      rooms.hub().unsubscribe(LOBBY, lobbyListener);
      listeningToLobby = false;
    }
    Long since = join.since();
    Subscriber subscriber = since == null ? rooms.hub().liveSubscriber(socket) : rooms.hub().holdingSubscriber(socket);
    joined.put(room, subscriber);
    Future<Long> position = rooms.hub().subscribe(room, subscriber);
    if (since != null) {
      position.onSuccess(live -> replay(room, subscriber, since, live));
    }
    // The join notice goes out once the subscription has its position: every chat message sequenced after
    // the joiner sees its notice reaches it.
    String member = name;
    presenceChanges = presenceChanges.transform(v -> position)
      .transform(v -> rooms.presence().add(room, connection, member))
      .onComplete(v -> rooms.publisher().publishStatus(ServerMessage.Status.joined(room, member)));
  }

  /**
   * Sends the retained messages with since < seq <= live, then releases the live ones held meanwhile
   * (seq > live): each message once, in seq order. A since beyond the room's newest seq means the
   * history was reset (the whole cluster restarted): the client is told and gets everything retained.
   */
  private void replay(String room, Subscriber subscriber, long since, long live) {
    if (since < live) {
      replayRange(room, subscriber, since, live);
      return;
    }
    if (since == live) {
      subscriber.release(since);
      return;
    }
    // This node may not have received the newest messages yet: ask the history itself.
    rooms.history().lastSeq(room).onComplete(last -> {
      if (joined.get(room) != subscriber) {
        return;
      }
      if (last.succeeded() && last.result() < since) {
        subscriber.write(error(ChatError.HISTORY_RESET, room));
        replayRange(room, subscriber, 0, live);
      } else {
        subscriber.release(since);
      }
    });
  }

  private void replayRange(String room, Subscriber subscriber, long since, long live) {
    if (since >= live) {
      subscriber.release(live);
      return;
    }
    rooms.history().read(room, since, live, Integer.MAX_VALUE).onComplete(read -> {
      if (joined.get(room) != subscriber) {
        return;
      }
      if (read.failed()) {
        subscriber.write(error(ChatError.HISTORY_GAP, room));
      } else {
        List<HistoryEntry> entries = read.result();
        if (entries.isEmpty() || entries.get(0).seq() > since + 1) {
          subscriber.write(error(ChatError.HISTORY_GAP, room));
        }
        for (HistoryEntry entry : entries) {
          subscriber.write(HistorySequenceSource.encode(room, entry));
        }
      }
      subscriber.release(live);
    });
  }

  private void onChat(ClientMessage.Chat chat) throws ProtocolException {
    String room = joinedRoom(chat.room());
    if (room == null) {
      return;
    }
    guard.checkChat(chat.message());
    String sender = name;
    sending = sending.transform(v -> rooms.publisher().publishChat(room, sender, chat.message()))
      .onFailure(failure -> reply(error(ChatError.NOT_DELIVERED, room)));
  }

  private void onLeave(ClientMessage.Leave leave) {
    String room = joinedRoom(leave.room());
    if (room == null) {
      return;
    }
    rooms.hub().unsubscribe(room, joined.remove(room));
    ServerMessage.Status left = ServerMessage.Status.left(room, name);
    reply(MessageCodec.encode(left));
    presenceChanges = presenceChanges.transform(v -> rooms.presence().remove(room, connection))
      .onComplete(v -> rooms.publisher().publishStatus(left));
  }

  private void onWho(ClientMessage.Who who) {
    String room = who.room();
    if (room == null) {
      if (joined.size() > 1) {
        reply(error(ChatError.ROOM_REQUIRED, null));
        return;
      }
      room = joined.isEmpty() ? LOBBY : joined.keySet().iterator().next();
    }
    String asked = room;
    presenceChanges = presenceChanges.transform(v -> rooms.presence().members(asked))
      .onComplete(members -> reply(members.succeeded()
        ? MessageCodec.encode(new ServerMessage.Presence(asked, members.result()))
        : error(ChatError.PRESENCE_UNAVAILABLE, asked)));
  }

  /**
   * The room a chat or leave is about: the named one if joined, else the only joined one; null after
   * replying with the error.
   */
  private String joinedRoom(String named) {
    if (named != null) {
      if (!joined.containsKey(named)) {
        reply(name == null ? error(ChatError.INVALID_MESSAGE, null) : error(ChatError.NOT_IN_ROOM, named));
        return null;
      }
      return named;
    }
    if (joined.size() == 1) {
      return joined.keySet().iterator().next();
    }
    reply(joined.isEmpty() ? error(ChatError.INVALID_MESSAGE, null) : error(ChatError.ROOM_REQUIRED, null));
    return null;
  }

  private void onClose() {
    if (listeningToLobby) {
      rooms.hub().unsubscribe(LOBBY, lobbyListener);
      listeningToLobby = false;
    }
    for (Map.Entry<String, Subscriber> room : joined.entrySet()) {
      rooms.hub().unsubscribe(room.getKey(), room.getValue());
      String left = room.getKey();
      String member = name;
      presenceChanges = presenceChanges.transform(v -> rooms.presence().remove(left, connection))
        .onComplete(v -> rooms.publisher().publishStatus(ServerMessage.Status.left(left, member)));
    }
    joined.clear();
  }

  /** An error reply, counted by kind in the metrics; {@code room} null for none. */
  private byte[] error(ChatError error, String room) {
    rooms.metrics().error(error.metricKind());
    return room == null ? error.encoded() : error.encoded(room);
  }

  private void reply(byte[] json) {
    socket.sendText(json);
  }
}
