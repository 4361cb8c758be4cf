package dev.chorus.transport;

import dev.chorus.protocol.CloseCode;
import io.vertx.core.buffer.Buffer;

import java.util.function.Consumer;

/**
 * The port through which everything above the transport talks to one accepted WebSocket: whole messages in,
 * pre-encoded text and frames out, congestion, and the one way to close. Below it, the transport owns the frames
 * (fragments, sizes, UTF-8, control frames), the close handshake, pings and slow consumers.
 * <p><b>The close contract.</b> {@link #close} sends exactly one Close frame with the code and reason of the
 * {@link CloseCode}; nothing is written after it; input is read and discarded until the client's Close
 * arrives or {@link Transport#LINGER_MILLIS} pass; then the TCP connection is closed. Closes the transport
 * starts itself (protocol violations, idle timeout, slow consumer, shutdown) follow the same contract. A
 * Close queued behind a full outbound queue (a client that stopped reading) goes out only if the client reads
 * within the linger; the TCP connection is closed either way. A Close the client starts is answered and the
 * connection closed within the same linger.
 * <p><b>The outbound limit.</b> Every byte the socket is sent counts against one outbound queue, bounded by
 * limits.writeQueueMaxBytes: replies, errors, acks, presence answers, direct messages, replayed history and
 * room deliveries alike. The queue is <em>full</em> from when it passes the limit until it drains to half of
 * it; a write is made only while it is not, so the queue holds at most the limit plus one message. While it is
 * full, {@link #sendText}, {@link #offer} and {@link #sendBinary} drop what they are given and return false
 * (whoever must not lose a write waits with {@link #whenWritable}), and a queue that stays full past
 * limits.slowConsumerTimeoutMillis, whatever filled it, closes the socket with {@link CloseCode#SLOW_CONSUMER}.
 * A client that reads again in time has only missed what was dropped: it asks again, or resumes.
 * <p>Every method must be called on the socket's event loop (its verticle's context); the handlers run there.
 */
public interface ClientSocket {

  /** The upgrade's path: {@code /chat} or {@code /echo}. */
  String path();

  /** The upgrade's query string, or null. */
  String query();

  /** The client's address, for operators' logs. */
  String remoteAddress();

  /** Receives each complete text message (any fragmentation undone, valid UTF-8). */
  void onText(Consumer<String> handler);

  /** Receives each complete binary message. */
  void onBinary(Consumer<Buffer> handler);

  /** Runs {@code action} once the connection is closed, however it closes; any number may be registered. */
  void onClosed(Runnable action);

  /**
   * Runs {@code action} once, now if the outbound queue is not full, else when it has drained; never once
   * the socket is closing. Any number may wait.
   */
  void whenWritable(Runnable action);

  /** Replies of at most this many bytes are written past the outbound limit ({@link #sendReply}). */
  int SMALL_REPLY_BYTES = 1024;

  /**
   * Writes the answer to the client's own message (an ack, an error, a join's status), pre-encoded UTF-8 JSON:
   * one of at most {@link #SMALL_REPLY_BYTES} is written even while the outbound queue is full, counted in it
   * (the slow-consumer clock keeps running), so a client that reads again in time misses no ack; a larger one
   * (a {@code who} answer) is dropped while the queue is full, as {@link #sendText} does. What small replies
   * add past the limit is bounded by the client's own rate limit and abuse close. False when dropped or closing.
   */
  boolean sendReply(byte[] utf8);

  /**
   * Writes a reply (or a message it paced with {@link #whenWritable}), pre-encoded UTF-8 JSON, as one text
   * frame, unless the outbound queue is full or the socket closing: then it is dropped and false returned.
   * The array is shared, not copied, and must not change.
   */
  boolean sendText(byte[] utf8);

  /**
   * Writes a room delivery unless the outbound queue is full or the socket closing: then it is dropped and
   * false returned. Nobody else waits for a slow client.
   */
  boolean offer(OutboundFrame frame);

  /**
   * Writes an ephemeral delivery (typing) only while the outbound queue is at most half full: under
   * pressure it is the first thing dropped, before any room delivery. A drop is not a stall.
   */
  boolean offerEphemeral(OutboundFrame frame);

  /** Writes a binary message unless the outbound queue is full or the socket closing (then false). */
  boolean sendBinary(Buffer data);

  /** Whether the outbound queue is full. */
  boolean congested();

  /** Stops reading (the client's messages wait in TCP) until {@link #resume}. */
  void pause();

  void resume();

  /** Closes under the contract above; only the first close of a connection acts. */
  void close(CloseCode code);

  /** Whether the socket is open and not closing. */
  boolean isOpen();
}
