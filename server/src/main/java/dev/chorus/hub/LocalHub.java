package dev.chorus.hub;

import dev.chorus.config.Settings;
import dev.chorus.history.RoomHistory;
import dev.chorus.metrics.ChorusMetrics;
import dev.chorus.protocol.ChatError;
import dev.chorus.protocol.RoomName;
import dev.chorus.transport.ClientSocket;
import dev.chorus.transport.OutboundFrame;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The sockets of one verticle instance by room, and delivery to them: LOCAL fan-out only. A message for
 * the whole cluster goes through the broker, which calls {@link #deliver} on every node.
 * <p>Chat messages (those with a seq) pass through the room's {@link RoomFeed}, so each socket receives a
 * room's chat messages in seq order, once: a gap that does not close within {@link #GAP_WAIT_MS} (a publish
 * lost with its node) is filled from the room's history by {@link CatchUp}, which also serves resumes, under
 * one gap policy. Status messages have no seq and go out as they arrive.
 * <p>A socket whose outbound queue is full (its write-queue limit reached) misses deliveries instead of
 * growing memory ({@link ClientSocket#offer}; the transport closes it if it stays full); resumes are paced
 * to its queue ({@link Subscriber#write}).
 * Confined to its verticle's event loop: not thread-safe, by design.
 */
public final class LocalHub {

  /** How long a chat message waits for a missing earlier one before the gap is read from history. */
  public static final long GAP_WAIT_MS = 500;
  private static final Logger LOG = LoggerFactory.getLogger(LocalHub.class);

  /** One room on this event loop: its subscribers, its ordered feed, and the epoch the feed counts in. */
  private final class LocalRoom {
    final String room;
    final Subscribers subscribers = new Subscribers();
    RoomFeed feed;
    /** The epoch of the room's stream as this feed knows it; null until started, and in rooms without history. */
    String epoch;
    /** Epochs this feed counted in before: a late message of one of them is dropped, not a new epoch. */
    final Set<String> pastEpochs = new HashSet<>();
    List<Promise<RoomHistory.Position>> waitingForStart = new ArrayList<>();
    /** A gap is being waited for or read: one at a time. */
    boolean gapTimer;
    /** A message of an epoch this feed does not know is being checked against the room's position. */
    boolean checkingEpoch;

    LocalRoom(String room) {
      this.room = room;
      this.feed = newFeed();
    }

    RoomFeed newFeed() {
      return new RoomFeed((json, seq) -> fanOut(seq, json), this::reportGap);
    }

    /** The same frame, framed once, to every subscriber of the room on this event loop. */
    void fanOut(long seq, byte[] json) {
      OutboundFrame frame = OutboundFrame.text(json);
      for (int i = subscribers.size() - 1; i >= 0; i--) {
        subscribers.at(i).deliver(seq, frame);
      }
      frame.release();
      metrics.delivered(subscribers.size());
    }

    /**
     * The room's history-gap error to every subscriber in place of messages up to {@code lastSkipped} that
     * history no longer holds; a subscriber that resumed past them already has them and gets nothing.
     */
    void reportGap(long lastSkipped) {
      OutboundFrame error = OutboundFrame.text(ChatError.HISTORY_GAP.encoded(room));
      for (int i = subscribers.size() - 1; i >= 0; i--) {
        if (subscribers.at(i).deliver(lastSkipped, error)) {
          metrics.error(ChatError.HISTORY_GAP.metricKind());
        }
      }
      error.release();
    }
  }

  private final Vertx vertx;
  private final CatchUp catchUp;
  private final Settings.Rooms options;
  private final ChorusMetrics metrics;
  private final Map<String, LocalRoom> rooms = new HashMap<>();

  /** {@code options} tells the rooms without history, whose position is always 0 and never read. */
  public LocalHub(Vertx vertx, RoomHistory history, Settings.Rooms options, ChorusMetrics metrics) {
    this.vertx = vertx;
    this.catchUp = new CatchUp(vertx, history, metrics, this::epochSeen);
    this.options = options;
    this.metrics = metrics;
  }

  /**
   * A subscriber for {@code socket} of {@code connection} that writes every delivery at once; its catching
   * up after a new epoch takes turns with the connection's other {@code replays}.
   */
  public Subscriber liveSubscriber(ClientSocket socket, String connection, Replays replays) {
    return new Subscriber(socket, connection, replays, false);
  }

  /**
   * A subscriber for {@code socket} to {@link #resume} with: it holds deliveries until caught up, its replay
   * taking turns with the connection's other {@code replays}.
   */
  public Subscriber resumingSubscriber(ClientSocket socket, String connection, Replays replays) {
    return new Subscriber(socket, connection, replays, true);
  }


  /**
   * Adds a subscriber to a room. Completes with the room's position for it (its epoch, and a seq: every chat
   * message with a greater seq reaches the subscriber). One at or below it can still arrive while the room
   * has handed out nothing on this event loop (a message sequenced before the position was read but
   * delivered after: {@link RoomFeed#offer}); a holding subscriber drops those at its release floor.
   */
  public Future<RoomHistory.Position> subscribe(String room, Subscriber subscriber) {
    LocalRoom local = rooms.get(room);
    if (local == null) {
      local = new LocalRoom(room);
      rooms.put(room, local);
      metrics.roomOpened(room);
      start(local);
    }
    local.subscribers.add(subscriber);
    if (local.feed.isStarted()) {
      return Future.succeededFuture(new RoomHistory.Position(local.epoch, local.feed.position()));
    }
    Promise<RoomHistory.Position> position = Promise.promise();
    local.waitingForStart.add(position);
    return position.future();
  }

  /**
   * Adds a {@link #resumingSubscriber} that first gets the room's retained messages after {@code since} in
   * {@code epoch} (null: whichever is current), then the live ones, each once, in seq order
   * ({@link CatchUp#resume}). Completes with its position, like {@link #subscribe}.
   */
  public Future<RoomHistory.Position> resume(String room, Subscriber subscriber, long since, String epoch) {
    Future<RoomHistory.Position> position = subscribe(room, subscriber);
    BooleanSupplier current = stillResuming(room, subscriber);
    position.onSuccess(live -> catchUp.resume(room, subscriber, since, epoch, live, current));
    return position;
  }

  /** The epoch of the room's stream as this event loop knows it; null when unknown or without history. */
  public String epoch(String room) {
    LocalRoom local = rooms.get(room);
    return local == null ? null : local.epoch;
  }

  /**
   * Whether a resume begun now is still wanted when asked: the subscriber is still in the room and no new
   * epoch has restarted its catching up since ({@link Subscriber#generation}).
   */
  private BooleanSupplier stillResuming(String room, Subscriber subscriber) {
    int generation = subscriber.generation();
    return () -> {
      LocalRoom local = rooms.get(room);
      return local != null && local.subscribers.contains(subscriber) && subscriber.generation() == generation;
    };
  }

  private void start(LocalRoom local) {
    Settings.RoomOptions roomOptions = options.options(RoomName.namespaceOf(local.room));
    if (roomOptions != null && !roomOptions.history()) {
      local.feed.start(0);
      completeStart(local, new RoomHistory.Position(null, 0));
      return;
    }
    catchUp.position(local.room).onComplete(result -> {
      if (rooms.get(local.room) != local) {
        return;
      }
      if (result.failed()) {
        LOG.warn("Cannot read the position of room {}, retrying: {}", local.room, result.cause().getMessage());
        vertx.setTimer(GAP_WAIT_MS, id -> {
          if (rooms.get(local.room) == local) {
            start(local);
          }
        });
        return;
      }
      local.epoch = result.result().epoch();
      local.pastEpochs.remove(local.epoch);
      local.feed.start(result.result().lastSeq());
      completeStart(local, result.result());
      watchGap(local);
    });
  }

  private void completeStart(LocalRoom local, RoomHistory.Position position) {
    List<Promise<RoomHistory.Position>> waiting = local.waitingForStart;
    local.waitingForStart = new ArrayList<>();
    for (Promise<RoomHistory.Position> started : waiting) {
      started.complete(position);
    }
  }

  /** A replay read a page of {@code epoch}: if the room's feed does not count in it, the stream may be new. */
  private void epochSeen(String room, String epoch) {
    LocalRoom local = rooms.get(room);
    if (local != null && local.epoch != null && !epoch.equals(local.epoch) && !local.pastEpochs.contains(epoch)) {
      checkEpoch(local, epoch);
    }
  }

  /**
   * A chat of an epoch this feed neither counts in nor has counted in: the room's stream may have a new
   * epoch, or the message may be a late one of an epoch before this feed started. The room's position says
   * which; meanwhile such messages are dropped (one of the current epoch is in history, and the replay after
   * a reset brings it).
   */
  private void checkEpoch(LocalRoom local, String seen) {
    if (local.checkingEpoch) {
      return;
    }
    local.checkingEpoch = true;
    catchUp.position(local.room).onComplete(position -> {
      local.checkingEpoch = false;
      if (rooms.get(local.room) != local || local.epoch == null) {
        return;
      }
      if (position.succeeded() && !position.result().epoch().equals(local.epoch)) {
        newEpoch(local);
      } else if (position.succeeded()) {
        local.pastEpochs.add(seen);
      }
    });
  }

  /**
   * The room's stream has a new epoch (a partition healed with diverged streams, or the room's stream was
   * lost with its owner and backup): its seqs count afresh, so what this feed handed out says nothing about
   * them. Every subscriber gets {@link ChatError#HISTORY_RESET}, then everything retained in the new
   * stream, then the live messages, as after a resume from an unknown epoch; a message that arrived in the
   * new epoch waits in the new feed. A subscriber still resuming drops that resume ({@link Subscriber#generation}).
   */
  private void newEpoch(LocalRoom local) {
    LOG.info("Room {} has a new epoch: its {} subscriber(s) here get a history reset and its retained messages",
      local.room, local.subscribers.size());
    local.pastEpochs.add(local.epoch);
    local.epoch = null;
    local.feed = local.newFeed();
    List<Subscriber> resetting = local.subscribers.snapshot();
    for (Subscriber subscriber : resetting) {
      subscriber.holdForNewEpoch();
      subscriber.write(ChatError.HISTORY_RESET.encoded(local.room));
      metrics.error(ChatError.HISTORY_RESET.metricKind());
    }
    Promise<RoomHistory.Position> restarted = Promise.promise();
    local.waitingForStart.add(restarted);
    restarted.future().onSuccess(live -> {
      for (Subscriber subscriber : resetting) {
        catchUp.resume(local.room, subscriber, 0, null, live, stillResuming(local.room, subscriber));
      }
    });
    start(local);
  }

  /** Removes a subscriber from a room. */
  public void unsubscribe(String room, Subscriber subscriber) {
    LocalRoom local = rooms.get(room);
    if (local == null || !local.subscribers.remove(subscriber)) {
      return;
    }
    subscriber.stop();
    if (local.subscribers.isEmpty()) {
      rooms.remove(room);
      metrics.roomClosed(room);
      List<Promise<RoomHistory.Position>> waiting = local.waitingForStart;
      local.waitingForStart = List.of();
      for (Promise<RoomHistory.Position> position : waiting) {
        position.fail("unsubscribed from " + room + " before its position was known");
      }
    }
  }

  /**
   * Hands one encoded message to the room's subscribers on this event loop; {@code seq} is -1 for none, and
   * {@code epoch} the epoch its seq counts in (null: none). A seq of an epoch other than the one the room's
   * feed counts in starts the room afresh ({@link #newEpoch}).
   */
  public void deliver(String room, long seq, String epoch, byte[] utf8Json) {
    LocalRoom local = rooms.get(room);
    if (local == null) {
      return;
    }
    if (seq < 0) {
      local.fanOut(-1, utf8Json);
      return;
    }
    if (epoch != null && !epoch.equals(local.epoch)) {
      if (local.pastEpochs.contains(epoch)) {
        return;
      }
      if (local.epoch != null) {
        checkEpoch(local, epoch);
        return;
      }
    }
    local.feed.offer(seq, utf8Json);
    watchGap(local);
  }

  /**
   * Hands an ephemeral message (typing) to the room's subscribers on this event loop but the one of
   * connection {@code except}: not ordered, not counted as a delivery, dropped by sockets short of room.
   */
  public void deliverEphemeral(String room, String except, byte[] utf8Json) {
    LocalRoom local = rooms.get(room);
    if (local == null) {
      return;
    }
    OutboundFrame frame = OutboundFrame.text(utf8Json);
    for (int i = local.subscribers.size() - 1; i >= 0; i--) {
      Subscriber subscriber = local.subscribers.at(i);
      if (!subscriber.connection().equals(except)) {
        subscriber.deliverEphemeral(frame);
      }
    }
    frame.release();
  }

  private void watchGap(LocalRoom local) {
    if (local.gapTimer || !local.feed.hasGap()) {
      return;
    }
    local.gapTimer = true;
    vertx.setTimer(GAP_WAIT_MS, id -> {
      if (rooms.get(local.room) != local || !local.feed.hasGap()) {
        local.gapTimer = false;
        return;
      }
      RoomFeed feed = local.feed;
      long since = feed.position();
      long upTo = feed.gapEnd();
      catchUp.read(local.room, since, upTo).onComplete(read -> {
        local.gapTimer = false;
        if (rooms.get(local.room) != local) {
          return;
        }
        // A read for a feed replaced meanwhile (a new epoch) is of no use to the new one, which may have a
        // gap of its own to watch.
        if (read.succeeded() && local.feed == feed) {
          CatchUp.Range range = read.result();
          if (range.epoch() != null && local.epoch != null && !range.epoch().equals(local.epoch)) {
            checkEpoch(local, range.epoch());
            return;
          }
          feed.fill(range.messages(), since, upTo);
        }
        watchGap(local);
      });
    });
  }

  /** How many sockets are in the room on this event loop. */
  public int size(String room) {
    LocalRoom local = rooms.get(room);
    return local == null ? 0 : local.subscribers.size();
  }
}
