package dev.chorus.transport;

import dev.chorus.protocol.CloseCode;

/**
 * The frame level of one socket, below {@link ClientSocket}: {@link FrameHandler} in the Netty pipeline, or
 * {@link PublicWire} over Vert.x's public API when the pipeline cannot be reached. Confined to the socket's
 * event loop.
 */
interface Wire {

  /** One final text frame over {@code utf8}, unless closing. */
  void sendText(byte[] utf8);

  /** {@code frame}, framed once for every socket it goes to, unless closing. */
  void send(OutboundFrame frame);

  /** Whether the outbound queue has room (below its high-water mark). */
  boolean writable();

  /**
   * Tells {@code full} when the outbound queue passes its high-water mark and {@code drained} when it is
   * back below its low-water mark (half of it), on the event loop; set once. A wire that cannot see the
   * queue fill tells only the drain: its socket checks the queue after each of its own writes.
   */
  void watchQueue(Runnable full, Runnable drained);

  /** Whether the outbound queue is at most half way to its high-water mark. */
  boolean halfEmpty();

  /** A keep-alive ping, unless closing. */
  void ping();

  /** Starts the close contract; false if the connection was closing or closed already. */
  boolean close(CloseCode code);

  /** Whether a Close was sent (or the connection is gone): nothing may be written. */
  boolean closing();

  /** When the client was last heard from (any frame), in {@link System#nanoTime} units. */
  long lastHeardNanos();
}
