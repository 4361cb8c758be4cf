package dev.chorus.hub;

import dev.chorus.history.HistoryEntry;
import dev.chorus.history.RoomHistory;
import dev.chorus.metrics.ChorusMetrics;
import dev.chorus.protocol.ChatError;
import dev.chorus.protocol.MessageCodec;
import dev.chorus.protocol.Sender;
import dev.chorus.protocol.ServerMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * Brings sockets up to date from a room's history, for both ways they fall behind: a client that resumes
 * with {@code since} ({@link #resume}), and a room's live feed on this event loop that misses a message whose
 * publish was lost with its node (gap filling, {@link LocalHub}). One reader of the history and one gap
 * policy serve both:
 * <ul>
 *   <li>The missing range {@code since < seq <= upTo} is read from the history, each message encoded exactly
 *       as it was published.</li>
 *   <li>A failed read (the history unreachable) is tried again after {@link #RETRY_MS}, {@link #READ_ATTEMPTS}
 *       times in all; after that the range counts as not retained. Live messages wait meanwhile (held by
 *       the resuming subscriber, or ahead in the room's feed), so order and once-only delivery hold.</li>
 *   <li>Messages the history no longer holds (pushed out by newer ones, or unreadable) are skipped, and each
 *       socket that misses them gets the room's {@link ChatError#HISTORY_GAP} error in their place (a socket
 *       that already has them, having resumed past them, gets nothing).</li>
 * </ul>
 * A resume from beyond the room's newest seq, or in an epoch that is not the room's, means its history was
 * reset (the whole cluster restarted, or a partition healed with diverged streams): the client gets
 * {@link ChatError#HISTORY_RESET}, then everything retained. A replay whose page comes back in another epoch
 * than the one it started in stops there (its seqs would name other messages) and tells {@code epochSeen},
 * whose reset of the room's subscribers replays the new stream. Confined to one event loop.
 */
public final class CatchUp {

  /** Reads of one range, in all, before what they could not read counts as not retained. */
  public static final int READ_ATTEMPTS = 3;
  /** The pause between two reads of one range. */
  public static final long RETRY_MS = 500;
  /** The most messages one read of a resume asks for. */
  static final int REPLAY_PAGE = 100;
  /**
   * About the most encoded bytes one page of a resume holds: once a replay has seen its longest message,
   * its pages ask for no more than this many bytes' worth (at least one message), so a page of long messages
   * (100 chats of limits.maxChatChars' default encode to 0.4 to 2.5 MB) is read a few at a time.
   */
  static final int REPLAY_PAGE_BYTES = 256 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(CatchUp.class);

  /**
   * Messages read for a range of {@code room}, by seq, in the room's {@code epoch} (null when the read failed);
   * {@code complete} is false when some of the range is not among them.
   */
  record Range(String room, SortedMap<Long, HistoryEntry> entries, boolean complete, String epoch) {

    /** The messages encoded as they were published, by seq. */
    SortedMap<Long, byte[]> messages() {
      SortedMap<Long, byte[]> bySeq = new TreeMap<>();
      entries.forEach((seq, entry) -> bySeq.put(seq, encode(room, entry)));
      return bySeq;
    }
  }

  private final Vertx vertx;
  private final RoomHistory history;
  private final ChorusMetrics metrics;
  private final BiConsumer<String, String> epochSeen;

  /** {@code epochSeen} hears (room, epoch) of a replay's page in an epoch other than the replay's. */
  public CatchUp(Vertx vertx, RoomHistory history, ChorusMetrics metrics, BiConsumer<String, String> epochSeen) {
    this.epochSeen = epochSeen;
    this.vertx = vertx;
    this.history = history;
    this.metrics = metrics;
  }

  /** The room's epoch and newest seq. */
  Future<RoomHistory.Position> position(String room) {
    return history.position(room);
  }

  /** The retained messages with since < seq <= upTo; never fails (see the class's gap policy). */
  Future<Range> read(String room, long since, long upTo) {
    return read(room, since, upTo, Integer.MAX_VALUE);
  }

  /**
   * At most {@code limit} of the retained messages with since < seq <= upTo, oldest first; complete when
   * none is missing from since + 1 to the last one read (and to upTo when fewer than limit came back).
   */
  private Future<Range> read(String room, long since, long upTo, int limit) {
    Promise<Range> result = Promise.promise();
    read(room, since, upTo, limit, 1, result);
    return result.future();
  }

  private void read(String room, long since, long upTo, int limit, int attempt, Promise<Range> result) {
    Future<RoomHistory.Page> reading;
    try {
      reading = history.read(room, since, upTo, limit);
    } catch (RuntimeException e) {
      // A store that is shutting down can throw instead of failing the future: one failed attempt as well.
      reading = Future.failedFuture(e);
    }
    reading.onComplete(read -> {
      if (read.succeeded()) {
        SortedMap<Long, HistoryEntry> bySeq = new TreeMap<>();
        for (HistoryEntry entry : read.result().entries()) {
          bySeq.put(entry.seq(), entry);
        }
        long end = bySeq.size() >= limit ? bySeq.lastKey() : upTo;
        result.complete(new Range(room, bySeq, bySeq.size() >= end - since, read.result().epoch()));
      } else if (attempt < READ_ATTEMPTS) {
        vertx.setTimer(RETRY_MS, id -> read(room, since, upTo, limit, attempt + 1, result));
      } else {
        LOG.warn("Cannot read the history of room {} ({} attempts): seqs {} to {} count as no longer retained: {}",
          room, READ_ATTEMPTS, since + 1, upTo, read.cause().getMessage());
        result.complete(new Range(room, new TreeMap<>(), false, null));
      }
    });
  }

  /**
   * Resumes a holding subscriber that joined at position {@code live}: writes the retained messages with
   * since < seq <= live, then releases the live ones it held (seq > live), each once, in seq order. A resume
   * that names an {@code epoch} (null: none) other than the room's current one ({@code liveEpoch}) counts
   * from a stream that no longer exists: {@link ChatError#HISTORY_RESET}, then everything retained.
   * {@code stillSubscribed} is asked after each read: when false the subscriber left and nothing is written.
   * The resume runs in the subscriber's turn among its connection's replays ({@link Subscriber#inTurn}).
   */
  void resume(String room, Subscriber subscriber, long since, String epoch, RoomHistory.Position live,
              BooleanSupplier stillSubscribed) {
    subscriber.inTurn(() -> {
      if (!stillSubscribed.getAsBoolean()) {
        subscriber.endTurn();
      } else if (epoch != null && !epoch.equals(live.epoch())) {
        subscriber.write(error(ChatError.HISTORY_RESET, room));
        replay(room, subscriber, 0, live, stillSubscribed);
      } else {
        resume(room, subscriber, since, live, stillSubscribed);
      }
    });
  }

  private void resume(String room, Subscriber subscriber, long since, RoomHistory.Position live,
                      BooleanSupplier stillSubscribed) {
    if (since < live.lastSeq()) {
      replay(room, subscriber, since, live, stillSubscribed);
    } else if (since == live.lastSeq()) {
      subscriber.release(since);
    } else {
      // This node may not have received the newest messages yet: ask the history itself.
      history.position(room).onComplete(last -> {
        if (!stillSubscribed.getAsBoolean()) {
          return;
        }
        if (last.succeeded() && last.result().lastSeq() < since) {
          subscriber.write(error(ChatError.HISTORY_RESET, room));
          replay(room, subscriber, 0, live, stillSubscribed);
        } else {
          subscriber.release(since);
        }
      });
    }
  }

  private void replay(String room, Subscriber subscriber, long since, RoomHistory.Position live,
                      BooleanSupplier stillSubscribed) {
    replay(new Replay(room, subscriber, live, stillSubscribed), since, REPLAY_PAGE);
  }

  /** One resume's replay: its room, subscriber and live position, and what it has seen so far. */
  private static final class Replay {
    final String room;
    final Subscriber subscriber;
    final RoomHistory.Position live;
    final BooleanSupplier stillSubscribed;
    boolean gapReported;
    /** The longest message written so far, encoded. */
    int longest;

    Replay(String room, Subscriber subscriber, RoomHistory.Position live, BooleanSupplier stillSubscribed) {
      this.room = room;
      this.subscriber = subscriber;
      this.live = live;
      this.stillSubscribed = stillSubscribed;
    }
  }

  /**
   * Replays since < seq <= live a page at a time (a durable store retains more than fits in one answer; at
   * most {@link #REPLAY_PAGE} messages and about {@link #REPLAY_PAGE_BYTES}), reporting a gap once, then
   * releases the subscriber at live. Each message is encoded and written only when the socket's queue has
   * room ({@link Subscriber#hasRoom}), and the next page read once the last message is written: a client
   * that does not read holds one page of stored entries and nothing encoded past its outbound queue.
   */
  private void replay(Replay replay, long since, int pageSize) {
    if (!replay.stillSubscribed.getAsBoolean()) {
      return;
    }
    if (since >= replay.live.lastSeq()) {
      replay.subscriber.release(replay.live.lastSeq());
      return;
    }
    read(replay.room, since, replay.live.lastSeq(), pageSize).onSuccess(range -> {
      if (!replay.stillSubscribed.getAsBoolean()) {
        return;
      }
      String epoch = replay.live.epoch();
      if (range.epoch() != null && epoch != null && !range.epoch().equals(epoch)) {
        replay.subscriber.endTurn();
        epochSeen.accept(replay.room, range.epoch());
        return;
      }
      if (!range.complete() && !replay.gapReported) {
        replay.subscriber.write(error(ChatError.HISTORY_GAP, replay.room));
        replay.gapReported = true;
      }
      long next = range.entries().size() < pageSize ? replay.live.lastSeq() : range.entries().lastKey();
      writePage(replay, range.entries().values().iterator(), next);
    });
  }

  /** Writes the page's messages as the socket takes them, then replays from {@code next}. */
  private void writePage(Replay replay, Iterator<HistoryEntry> page, long next) {
    if (!replay.stillSubscribed.getAsBoolean()) {
      return;
    }
    while (page.hasNext()) {
      if (!replay.subscriber.hasRoom()) {
        replay.subscriber.whenWritable(() -> writePage(replay, page, next));
        return;
      }
      byte[] message = encode(replay.room, page.next());
      replay.longest = Math.max(replay.longest, message.length);
      replay.subscriber.write(message);
    }
    int pageSize = (int) Math.max(1, Math.min(REPLAY_PAGE, REPLAY_PAGE_BYTES / Math.max(1, replay.longest)));
    replay.subscriber.whenWritable(() -> replay(replay, next, pageSize));
  }

  private byte[] error(ChatError error, String room) {
    metrics.error(error.metricKind());
    return error.encoded(room);
  }

  /** The bytes a live subscriber got (or would have got) for this entry; its sender as Sender#stored made it. */
  public static byte[] encode(String room, HistoryEntry entry) {
    return MessageCodec.encode(new ServerMessage.Chat(room, entry.seq(), entry.ts(), Sender.fromStored(entry.sender()),
      entry.message(), entry.id()));
  }
}
