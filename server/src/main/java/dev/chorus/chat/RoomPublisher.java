package dev.chorus.chat;

import dev.chorus.broker.Broker;
import dev.chorus.config.Settings;
import dev.chorus.history.HistoryEntry;
import dev.chorus.history.RoomHistory;
import dev.chorus.protocol.RoomName;
import dev.chorus.protocol.Sender;
import dev.chorus.protocol.ServerMessage;
import dev.chorus.webhooks.WebhookEvents;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.concurrent.TimeoutException;

/**
 * Cluster-wide publishing into rooms. A chat message is first sequenced and stored by the room's history,
 * then published with its seq, so every delivered chat message is in history; in a room without history
 * (its namespace's option) it is published at once, without a seq. Status messages are published as they
 * are (no seq, not retained).
 */
public final class RoomPublisher {

  /**
   * How long a sender waits for its chat to be stored and published before it is told "Message not
   * delivered, try again.": a little longer than the cluster takes to declare a hung member dead (10 s),
   * after which its rooms' appends go on at their new owners.
   */
  public static final long ANSWER_WITHIN_MILLIS = 12_000;

  private final RoomHistory history;
  private final Broker broker;
  private final Settings.Rooms rooms;
  private final WebhookEvents webhooks;

  public RoomPublisher(RoomHistory history, Broker broker, Settings.Rooms rooms, WebhookEvents webhooks) {
    this.history = history;
    this.broker = broker;
    this.rooms = rooms;
    this.webhooks = webhooks;
  }

  /** The node's webhook events, for the presence changes its callers make. */
  public WebhookEvents webhooks() {
    return webhooks;
  }

  /**
   * A published chat, or for a duplicate the stored original (not published again); {@code epoch} the one its
   * seq counts in (null in a room without history).
   */
  public record Published(ServerMessage.Chat chat, String epoch, boolean duplicate) {
  }

  /**
   * Sequences, stores and publishes a chat message; completes once published, or fails after
   * {@link #ANSWER_WITHIN_MILLIS} with its outcome unknown: if the store still takes it later (a room's owner
   * declared dead, a commit that was slow), it is published then. Any other failure means it reached nobody.
   * Sending it again with its id is safe either way. With an {@code id} (null: none) the room stores it
   * once: if the id is stored already, nothing is stored or published and the result is the original, a
   * duplicate. (A message whose publish was lost with its node still reaches every feed, from history, when
   * the room's next message reveals the gap.) In a room without history an id is carried but not remembered.
   * Callers that need one sender's messages in order wait for each before the next.
   */
  public Future<Published> publishChat(String room, String id, Sender sender, String message) {
    Settings.RoomOptions options = rooms.options(RoomName.namespaceOf(room));
    if (options != null && !options.history()) {
      ServerMessage.Chat chat = new ServerMessage.Chat(room, ServerMessage.Chat.UNSEQUENCED,
        System.currentTimeMillis(), sender, message, id);
      broker.publishChat(room, chat, null);
      webhooks.messagePublished(chat, null);
      return Future.succeededFuture(new Published(chat, null, false));
    }
    // Published whenever it is stored, even after the caller stopped waiting: every stored message goes out.
    // History keeps the sender as one string (Sender#stored); a duplicate answers with the original's.
    long ts = System.currentTimeMillis();
    Future<Published> published = history.append(room, id, sender.stored(), message, ts).map(appended -> {
      HistoryEntry entry = appended.entry();
      ServerMessage.Chat chat = new ServerMessage.Chat(room, entry.seq(), entry.ts(),
        entry.sender() == null ? sender : Sender.fromStored(entry.sender()), entry.message(), entry.id());
      if (!appended.duplicate()) {
        broker.publishChat(room, chat, appended.epoch());
        webhooks.messagePublished(chat, appended.epoch());
      }
      return new Published(chat, appended.epoch(), appended.duplicate());
    });
    return answeredWithin(published);
  }

  /**
   * {@code published}, or a failure once {@link #ANSWER_WITHIN_MILLIS} have passed, on the caller's context
   * (a store's future may have none, and Future#timeout would then fail it on another thread).
   */
  private static Future<Published> answeredWithin(Future<Published> published) {
    Context context = Vertx.currentContext();
    if (context == null || published.isComplete()) {
      return published;
    }
    Promise<Published> answer = Promise.promise();
    long timer = context.owner().setTimer(ANSWER_WITHIN_MILLIS, id -> answer.tryFail(
      new TimeoutException("not stored within " + ANSWER_WITHIN_MILLIS + " ms")));
    published.onComplete(outcome -> {
      if (Vertx.currentContext() == context) {
        settle(context, answer, timer, outcome);
      } else {
        context.runOnContext(v -> settle(context, answer, timer, outcome));
      }
    });
    return answer.future();
  }

  /** Answers on {@code context}, at once when the outcome came there already (the usual case: no extra hop). */
  private static void settle(Context context, Promise<Published> answer, long timer, AsyncResult<Published> outcome) {
    context.owner().cancelTimer(timer);
    if (outcome.succeeded()) {
      answer.tryComplete(outcome.result());
    } else {
      answer.tryFail(outcome.cause());
    }
  }

  /** Tells the room's other members, on every node, that {@code member} of connection {@code from} is typing. */
  public void publishTyping(String room, Sender member, String from) {
    broker.publishEphemeral(room, from, new ServerMessage.Typing(room, member));
  }

  /** Publishes a status message to the room on every node. */
  public void publishStatus(ServerMessage.Status status) {
    broker.publish(status.room(), status);
  }
}
