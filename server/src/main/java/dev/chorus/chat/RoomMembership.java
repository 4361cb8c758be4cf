package dev.chorus.chat;

import dev.chorus.config.Settings;
import dev.chorus.history.RoomHistory;
import dev.chorus.hub.Replays;
import dev.chorus.hub.Subscriber;
import dev.chorus.protocol.MessageCodec;
import dev.chorus.protocol.Sender;
import dev.chorus.protocol.ServerMessage;
import dev.chorus.transport.ClientSocket;
import io.vertx.core.Future;

import java.util.List;

/**
 * A connection's place in one room it joined: its subscription in the event loop's hub (live, or resuming
 * after a seq), its entry in the cluster's presence, and the join and leave notices. The join notice goes
 * out once the subscription has its position, so every chat message sequenced after the notice reaches the
 * joiner; presence changes and notices of one connection run one after the other in its presence queue, so
 * a leave notice never precedes its join notice. In a room with presence off there are neither entries nor
 * notices; in a room without history a join is live, whatever its {@code since}. Confined to its socket's
 * event loop.
 */
final class RoomMembership {

  /** The shortest time between two typing events of one member in one room: one second. */
  static final long TYPING_INTERVAL_NANOS = 1_000_000_000L;

  private final ChatServices services;
  private final String room;
  private final Settings.RoomOptions options;
  private final RoomAccess.Grant grant;
  private final Sender member;
  private final String meta;
  private final String connection;
  private final SerialQueue presenceQueue;
  private final Subscriber subscriber;
  private long lastTyping;

  private RoomMembership(ChatServices services, String room, Settings.RoomOptions options, RoomAccess.Grant grant,
                         Sender member, String meta, String connection, SerialQueue presenceQueue,
                         Subscriber subscriber) {
    this.meta = meta;
    this.services = services;
    this.room = room;
    this.options = options;
    this.grant = grant;
    this.member = member;
    this.connection = connection;
    this.presenceQueue = presenceQueue;
    this.subscriber = subscriber;
  }

  /**
   * Joins {@code room} as {@code member}: live, or when {@code since} is given, first the retained messages
   * after it in {@code epoch} (null: the current one; then the live ones, each once), taking turns with the
   * connection's other {@code replays}. The join notice names the room's epoch.
   */
  static RoomMembership join(ChatServices services, ClientSocket socket, String room, Settings.RoomOptions options,
                             RoomAccess.Grant grant, Sender member, String meta, Long since, String epoch,
                             String connection, SerialQueue presenceQueue, Replays replays) {
    Subscriber subscriber;
    Future<RoomHistory.Position> position;
    if (since == null || !options.history()) {
      subscriber = services.hub().liveSubscriber(socket, connection, replays);
      position = services.hub().subscribe(room, subscriber);
    } else {
      subscriber = services.hub().resumingSubscriber(socket, connection, replays);
      position = services.hub().resume(room, subscriber, since, epoch);
    }
    if (options.presence()) {
      presenceQueue.enqueue(() -> position.transform(v ->
          services.presence().add(room, connection, member.stored(), meta)))
        .onComplete(first -> {
          services.publisher().publishStatus(ServerMessage.Status.joined(room, member, meta)
            .withEpoch(services.hub().epoch(room)));
          if (first.succeeded()) {
            services.publisher().webhooks().memberJoined(room, member, first.result());
          }
        });
    }
    return new RoomMembership(services, room, options, grant, member, meta, connection, presenceQueue, subscriber);
  }

  Settings.RoomOptions options() {
    return options;
  }

  RoomAccess.Grant grant() {
    return grant;
  }

  /**
   * Tells the room's other members that this member is typing, at most once per {@link #TYPING_INTERVAL_NANOS}
   * (extras are dropped silently), and only where members may chat.
   */
  void typing() {
    long now = System.nanoTime();
    if (!options.membersPublish() || (lastTyping != 0 && now - lastTyping < TYPING_INTERVAL_NANOS)) {
      return;
    }
    lastTyping = now;
    services.publisher().publishTyping(room, member, connection);
  }

  /** Leaves on the client's request: it gets its own leave notice at once, the room once presence knows. */
  void leave(ClientSocket socket) {
    ServerMessage.Status left = leftNotice();
    if (options.presence()) {
      socket.sendReply(MessageCodec.encode(left));
    }
    end(left);
  }

  /** Leaves because the connection closed. */
  void closed() {
    end(leftNotice());
  }

  private ServerMessage.Status leftNotice() {
    return ServerMessage.Status.left(room, member, meta).withEpoch(services.hub().epoch(room));
  }

  private void end(ServerMessage.Status left) {
    services.hub().unsubscribe(room, subscriber);
    if (options.presence()) {
      presenceQueue.enqueue(() -> services.presence().remove(room, connection))
        .onComplete(last -> {
          services.publisher().publishStatus(left);
          // Null: already forgotten (its node was thought dead, and the departure was reported then).
          if (last.succeeded() && last.result() != null) {
            services.publisher().webhooks().membersLeft(room, List.of(member), last.result());
          }
        });
    }
  }
}
