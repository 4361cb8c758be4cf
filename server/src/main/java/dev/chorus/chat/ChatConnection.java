package dev.chorus.chat;

import dev.chorus.auth.Authentication;
import dev.chorus.config.Settings;
import dev.chorus.presence.Presence;
import dev.chorus.hub.Replays;
import dev.chorus.hub.Subscriber;
import dev.chorus.protocol.ChatError;
import dev.chorus.protocol.ClientMessage;
import dev.chorus.protocol.CloseCode;
import dev.chorus.protocol.MessageCodec;
import dev.chorus.protocol.ProtocolException;
import dev.chorus.protocol.RoomName;
import dev.chorus.protocol.Sender;
import dev.chorus.protocol.ServerMessage;
import dev.chorus.transport.ClientSocket;
import dev.chorus.users.UserDirectory;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One /chat connection, from upgrade to close: its authentication, its name, its rate limit, and the
 * dispatch of its messages (join, chat, leave, who, auth) to a {@link RoomMembership} per joined room. Until
 * its first join it hears the lobby's broadcasts (as the seed's server does); from then on only its rooms'.
 * Its sender is fixed by its first join's name, or with JWT on by its token ({@link dev.chorus.auth.Identity}:
 * the user is the sub, the name shown its name claim). Each message passes the
 * rate limit before it is decoded; the rules of names, lengths and room counts are {@link ChatRules}.
 * Confined to its socket's event loop.
 * <p>Ordering: one connection's chat messages are sequenced one after the other (its send queue), so they
 * keep their order; its presence changes, join and leave notices and presence queries run one after the
 * other (its presence queue), so a "who" after a join includes the joiner.
 */
public final class ChatConnection {

  private final ClientSocket socket;
  private final Context context = Vertx.currentContext();
  private final ChatServices services;
  private final Authentication auth;
  /** Made with the first message (a full bucket then, as at the upgrade): an idle connection has none. */
  private RateLimiter rate;
  private final String connection;
  private final Subscriber lobbyListener;
  /** The replays of this connection's rooms, one at a time. */
  private final Replays replays = new Replays();
  /** The rooms joined, in join order; the empty map until the first join (most connections idle in the lobby). */
  private Map<String, RoomMembership> joined = Map.of();
  /** Both made when first needed (a chat; a join or a who). */
  private SerialQueue sendQueue;
  private SerialQueue presenceQueue;
  private boolean listeningToLobby;
  /** Who this connection's chats and notices are from; fixed by the first join. */
  private Sender sender;
  /** This connection as its user's, once the user is known: authenticated with JWT, else at the first join. */
  private UserDirectory.Registration user;

  private ChatConnection(ClientSocket socket, ChatServices services) {
    this.socket = socket;
    this.services = services;
    this.auth = new Authentication(services.vertx(), socket, services.jwt());
    this.connection = services.presence().newConnectionId();
    this.lobbyListener = services.hub().liveSubscriber(socket, connection, replays);
  }

  /** Serves the chat protocol on a freshly accepted socket. */
  public static void attach(ClientSocket socket, ChatServices services) {
    ChatConnection chat = new ChatConnection(socket, services);
    chat.auth.whenAuthenticated(chat::onAuthenticated);
    chat.auth.onRefreshed(chat::recheckGrants);
    socket.onText(chat::onText);
    socket.onBinary(data -> socket.close(CloseCode.UNSUPPORTED_DATA));
    socket.onClosed(chat::onClose);
    chat.auth.start();
  }

  private void onAuthenticated() {
    if (auth.identity() != null && socket.isOpen()) {
      user = services.users().register(auth.identity().user(), socket, context);
    }
    listenToLobby();
  }

  /**
   * After a refresh: the private rooms the old token's rooms claim granted and the new one's does not are
   * left, each answered with the refusal a join would get.
   */
  private void recheckGrants() {
    for (Iterator<Map.Entry<String, RoomMembership>> it = joined.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, RoomMembership> entry = it.next();
      if (!RoomAccess.stillGranted(entry.getKey(), entry.getValue().grant(), auth)) {
        it.remove();
        entry.getValue().closed();
        user.left(entry.getKey());
        reply(error(ChatError.NOT_ALLOWED_IN_ROOM, entry.getKey()));
      }
    }
  }

  /** Until its first join, a connection hears the lobby, as the seed's clients expect (unless it is private). */
  private void listenToLobby() {
    if (joined.isEmpty() && socket.isOpen() && services.access().lobbyIsOpen()) {
      listeningToLobby = true;
      services.hub().subscribe(RoomName.LOBBY, lobbyListener);
    }
  }

  private void stopListeningToLobby() {
    if (listeningToLobby) {
      services.hub().unsubscribe(RoomName.LOBBY, lobbyListener);
      listeningToLobby = false;
    }
  }

  private SerialQueue sendQueue() {
    if (sendQueue == null) {
      sendQueue = new SerialQueue();
    }
    return sendQueue;
  }

  private SerialQueue presenceQueue() {
    if (presenceQueue == null) {
      presenceQueue = new SerialQueue();
    }
    return presenceQueue;
  }

  private void onText(String text) {
    services.metrics().messageReceived();
    if (!admit()) {
      return;
    }
    try {
      ClientMessage message = MessageCodec.decode(text);
      if (message instanceof ClientMessage.Auth authMessage) {
        auth.authenticate(authMessage.token());
        return;
      }
      auth.require();
      if (message instanceof ClientMessage.Refresh refresh) {
        auth.refresh(refresh.token());
      } else if (message instanceof ClientMessage.Join join) {
        onJoin(join);
      } else if (message instanceof ClientMessage.Chat chat) {
        onChat(chat);
      } else if (message instanceof ClientMessage.Leave leave) {
        onLeave(leave);
      } else if (message instanceof ClientMessage.Who who) {
        onWho(who);
      } else if (message instanceof ClientMessage.Typing typing) {
        onTyping(typing);
      }
    } catch (ProtocolException e) {
      reply(error(e.error(), null));
    }
  }

  /**
   * The rate limit: whether a message may be processed. When not, the client gets
   * {@link ChatError#RATE_LIMITED}, or after limits.abuseRejections rejections within 10 seconds a close 1008.
   */
  private boolean admit() {
    if (rate == null) {
      rate = new RateLimiter(services.limits().messagesPerSecond(), services.limits().messageBurst());
    }
    if (rate.tryAcquire()) {
      return true;
    }
    services.metrics().error(ChatError.RATE_LIMITED.metricKind());
    if (rate.rejectedInWindow() >= services.limits().abuseRejections()) {
      socket.close(CloseCode.RATE_LIMIT_EXCEEDED);
    } else {
      reply(ChatError.RATE_LIMITED.encoded());
    }
    return false;
  }

  private void onJoin(ClientMessage.Join join) throws ProtocolException {
    String room = join.room() == null ? RoomName.LOBBY : join.room();
    Settings.RoomOptions options = services.access().options(room);
    if (joined.containsKey(room)) {
      reply(error(ChatError.ALREADY_JOINED, room));
      return;
    }
    // Every join's name must pass the rules; only the first one's is kept.
    Sender requested = auth.identity() != null ? auth.identity().sender() : Sender.named(join.name());
    services.rules().checkName(requested.name());
    if (!services.rules().mayJoinAnotherRoom(joined.size())) {
      reply(error(ChatError.TOO_MANY_ROOMS, room));
      return;
    }
    String user = (sender != null ? sender : requested).userId();
    Future<RoomAccess.Entry> allowed = services.access().mayJoin(room, options, auth, join.token(), user, join.meta());
    if (allowed.isComplete()) {
      enter(join, room, options, requested, allowed);
      return;
    }
    // A grant decided elsewhere (a room token, the join proxy): later messages wait for the outcome, as they
    // do for an auth message.
    socket.pause();
    allowed.onComplete(result -> {
      if (socket.isOpen()) {
        enter(join, room, options, requested, result);
        socket.resume();
      }
    });
  }

  /** Enters the room as {@code allowed} says, or answers its refusal. */
  private void enter(ClientMessage.Join join, String room, Settings.RoomOptions options, Sender requested,
                     AsyncResult<RoomAccess.Entry> allowed) {
    if (allowed.failed()) {
      reply(error(allowed.cause() instanceof ProtocolException refused ? refused.error() : ChatError.NOT_ALLOWED_IN_ROOM,
        room));
      return;
    }
    RoomAccess.Grant grant = allowed.result().grant();
    if (sender == null) {
      sender = requested;
    }
    if (user == null) {
      user = services.users().register(sender.userId(), socket, context);
    }
    user.joined(room);
    stopListeningToLobby();
    if (joined.isEmpty()) {
      joined = new LinkedHashMap<>(4);
    }
    joined.put(room, RoomMembership.join(services, socket, room, options, grant, sender, allowed.result().meta(),
      join.since(), join.epoch(), connection, presenceQueue(), replays));
  }

  private void onChat(ClientMessage.Chat chat) throws ProtocolException {
    String room = joinedRoom(chat.room());
    if (room == null) {
      return;
    }
    if (!services.access().membersMayChat(joined.get(room).options())) {
      reply(error(ChatError.NOT_ALLOWED_TO_PUBLISH, room));
      return;
    }
    services.rules().checkLength(chat.message());
    Sender from = sender;
    RoomMembership membership = joined.get(room);
    // The publish proxy is asked at once, so answers overlap; sequencing still goes one after the other.
    Future<String> text = services.access().mayPublish(room, membership.options(), from.userId(), chat.message(),
        chat.id())
      .compose(allowed -> {
        if (!services.rules().fitsLength(allowed)) {
          return Future.failedFuture(new ProtocolException(ChatError.MESSAGE_REJECTED));
        }
        return Future.succeededFuture(allowed);
      });
    String id = chat.id();
    sendQueue().enqueue(() -> text.compose(allowed -> joined.get(room) == membership
        ? services.publisher().publishChat(room, id, from, allowed)
        : Future.failedFuture(new ProtocolException(ChatError.NOT_IN_ROOM))))
      .onComplete(published -> {
        if (published.failed()) {
          Throwable failure = published.cause();
          reply(error(failure instanceof ProtocolException refused ? refused.error() : ChatError.NOT_DELIVERED, room));
        } else if (id != null) {
          RoomPublisher.Published result = published.result();
          reply(MessageCodec.encode(new ServerMessage.Ack(room, id, result.chat().seq(), result.epoch(),
            result.duplicate())));
        }
      });
  }

  private void onTyping(ClientMessage.Typing typing) {
    String room = joinedRoom(typing.room());
    if (room != null) {
      joined.get(room).typing();
    }
  }

  private void onLeave(ClientMessage.Leave leave) {
    String room = joinedRoom(leave.room());
    if (room != null) {
      joined.remove(room).leave(socket);
      user.left(room);
    }
  }

  private void onWho(ClientMessage.Who who) throws ProtocolException {
    String room = who.room();
    if (room == null) {
      if (joined.size() > 1) {
        reply(error(ChatError.ROOM_REQUIRED, null));
        return;
      }
      room = joined.isEmpty() ? RoomName.LOBBY : joined.keySet().iterator().next();
    }
    Settings.RoomOptions options = services.access().options(room);
    if (!joined.containsKey(room) && !services.access().mayWatch(room, options, auth)) {
      reply(error(ChatError.NOT_ALLOWED_IN_ROOM, room));
      return;
    }
    if (!options.presence()) {
      reply(error(ChatError.PRESENCE_OFF, room));
      return;
    }
    if (socket.congested()) {
      // Its answer would be dropped (the outbound limit): a client that asks without reading costs no lookup.
      return;
    }
    String asked = room;
    int most = services.limits().maxWhoMembers();
    presenceQueue().enqueue(() -> services.presence().details(asked))
      .onComplete(members -> reply(members.succeeded()
        ? MessageCodec.encode(presence(asked, members.result(), most))
        : error(ChatError.PRESENCE_UNAVAILABLE, asked)));
  }

  /**
   * The answer to a who: the first {@code most} names (limits.maxWhoMembers, so that an answer stays small
   * however big the room), each name's connections and latest meta, and the room's count of names.
   */
  static ServerMessage.Presence presence(String room, List<Presence.MemberDetails> members, int most) {
    List<Presence.MemberDetails> listed = members.size() > most ? members.subList(0, most) : members;
    List<String> names = new ArrayList<>(listed.size());
    List<ServerMessage.Presence.Member> details = new ArrayList<>(listed.size());
    for (Presence.MemberDetails member : listed) {
      Sender who = Sender.fromStored(member.name());
      names.add(who.name());
      details.add(new ServerMessage.Presence.Member(who, member.connections(), member.meta()));
    }
    return new ServerMessage.Presence(room, names, details, members.size());
  }

  /**
   * The room a chat or leave is about: the named one if joined, else the only joined one; null after
   * replying with the error.
   */
  private String joinedRoom(String named) {
    if (named != null) {
      if (!joined.containsKey(named)) {
        reply(sender == null ? error(ChatError.INVALID_MESSAGE, null) : error(ChatError.NOT_IN_ROOM, named));
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
    auth.closed();
    if (user != null) {
      user.unregister();
    }
    stopListeningToLobby();
    for (RoomMembership membership : joined.values()) {
      membership.closed();
    }
    joined = Map.of();
  }

  /** An error reply, counted by kind in the metrics; {@code room} null for none. */
  private byte[] error(ChatError error, String room) {
    services.metrics().error(error.metricKind());
    return room == null ? error.encoded() : error.encoded(room);
  }

  private void reply(byte[] json) {
    socket.sendReply(json);
  }
}
