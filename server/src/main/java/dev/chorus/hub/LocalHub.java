package dev.chorus.hub;

import dev.chorus.metrics.ChorusMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import dev.chorus.transport.ClientSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sockets of one verticle instance by room, and delivery to them: LOCAL fan-out only. A message for
 * the whole cluster goes through the broker, which calls {@link #deliver} on every node.
 * <p>Chat messages (those with a seq) pass through the room's {@link RoomFeed}, so each socket receives a
 * room's chat messages in seq order, once, without gaps: a gap that does not close within
 * {@link #GAP_WAIT_MS} (a publish lost with its node) is filled from the {@link SequenceSource}. Status
 * messages have no seq and go out as they arrive.
 * <p>A socket whose outbound queue is full (its write-queue limit reached) misses deliveries instead of
 * growing memory ({@link ClientSocket#offer}; the transport closes it if it stays full).
 * Confined to its verticle's event loop: not thread-safe, by design.
 */
public final class LocalHub {

  /** How long a chat message waits for a missing earlier one before the gap is read from history. */
  public static final long GAP_WAIT_MS = 500;
  private static final Logger LOG = LoggerFactory.getLogger(LocalHub.class);

  /** One room on this event loop: its subscribers and its ordered feed. */
  private final class Channel {
    final String room;
    final Set<Subscriber> subscribers = new LinkedHashSet<>();
    final RoomFeed feed;
    List<Promise<Long>> awaitingStart = new ArrayList<>();
    boolean gapTimer;

    Channel(String room) {
      this.room = room;
      this.feed = new RoomFeed((json, seq) -> fanOut(seq, json));
    }

    /** The same bytes to every subscriber of the room on this event loop. */
    void fanOut(long seq, byte[] json) {
      for (Subscriber subscriber : subscribers) {
        subscriber.deliver(seq, json);
      }
      metrics.delivered(subscribers.size());
    }
  }

  private final Vertx vertx;
  private final SequenceSource source;
  private final ChorusMetrics metrics;
  private final Map<String, Channel> rooms = new HashMap<>();

  public LocalHub(Vertx vertx, SequenceSource source, ChorusMetrics metrics) {
    this.vertx = vertx;
    this.source = source;
    this.metrics = metrics;
  }

  /** A subscriber for {@code socket} that writes every delivery at once. */
  public Subscriber liveSubscriber(ClientSocket socket) {
    return new Subscriber(socket, false);
  }

  /** A subscriber for {@code socket} that holds deliveries until {@link Subscriber#release}. */
  public Subscriber holdingSubscriber(ClientSocket socket) {
    return new Subscriber(socket, true);
  }

  /**
   * Adds a subscriber to a room. Completes with the room's position for it: every chat message with a
   * greater seq reaches the subscriber. One at or below it can still arrive while the room has handed out
   * nothing on this event loop (a message sequenced before the position was read but delivered after:
   * {@link RoomFeed#offer}); a holding subscriber drops those at its release floor.
   */
  public Future<Long> subscribe(String room, Subscriber subscriber) {
    Channel channel = rooms.get(room);
    if (channel == null) {
      channel = new Channel(room);
      rooms.put(room, channel);
      metrics.roomOpened(room);
      start(channel);
    }
    channel.subscribers.add(subscriber);
    if (channel.feed.isStarted()) {
      return Future.succeededFuture(channel.feed.position());
    }
    Promise<Long> position = Promise.promise();
    channel.awaitingStart.add(position);
    return position.future();
  }

  private void start(Channel channel) {
    source.lastSeq(channel.room).onComplete(result -> {
      if (rooms.get(channel.room) != channel) {
        return;
      }
      if (result.failed()) {
        LOG.warn("Cannot read the position of room {}, retrying: {}", channel.room, result.cause().getMessage());
        vertx.setTimer(GAP_WAIT_MS, id -> {
          if (rooms.get(channel.room) == channel) {
            start(channel);
          }
        });
        return;
      }
      channel.feed.start(result.result());
      List<Promise<Long>> waiting = channel.awaitingStart;
      channel.awaitingStart = List.of();
      for (Promise<Long> position : waiting) {
        position.complete(result.result());
      }
      watchGap(channel);
    });
  }

  /** Removes a subscriber from a room. */
  public void unsubscribe(String room, Subscriber subscriber) {
    Channel channel = rooms.get(room);
    if (channel != null && channel.subscribers.remove(subscriber) && channel.subscribers.isEmpty()) {
      rooms.remove(room);
      metrics.roomClosed(room);
      List<Promise<Long>> waiting = channel.awaitingStart;
      channel.awaitingStart = List.of();
      for (Promise<Long> position : waiting) {
        position.fail("unsubscribed from " + room + " before its position was known");
      }
    }
  }

  /** Hands one encoded message to the room's subscribers on this event loop; {@code seq} is -1 for none. */
  public void deliver(String room, long seq, byte[] utf8Json) {
    Channel channel = rooms.get(room);
    if (channel == null) {
      return;
    }
    if (seq < 0) {
      channel.fanOut(-1, utf8Json);
      return;
    }
    channel.feed.offer(seq, utf8Json);
    watchGap(channel);
  }

  private void watchGap(Channel channel) {
    if (channel.gapTimer || !channel.feed.hasGap()) {
      return;
    }
    channel.gapTimer = true;
    vertx.setTimer(GAP_WAIT_MS, id -> {
      channel.gapTimer = false;
      if (rooms.get(channel.room) != channel || !channel.feed.hasGap()) {
        return;
      }
      long since = channel.feed.position();
      long upTo = channel.feed.gapEnd();
      source.read(channel.room, since, upTo).onComplete(read -> {
        if (read.succeeded()) {
          channel.feed.fill(read.result(), upTo);
        } else {
          LOG.warn("Cannot fill a gap in room {} from history, retrying: {}", channel.room, read.cause().getMessage());
        }
        watchGap(channel);
      });
    });
  }

  /** How many sockets are in the room on this event loop. */
  public int size(String room) {
    Channel channel = rooms.get(room);
    return channel == null ? 0 : channel.subscribers.size();
  }
}
