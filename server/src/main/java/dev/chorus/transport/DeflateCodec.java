package dev.chorus.transport;

import io.netty.util.concurrent.EventExecutor;

import java.util.zip.Inflater;

/**
 * The permessage-deflate state one event loop shares among its sockets, so that a socket costs nothing for
 * it: the Inflater of every client that agreed to client_no_context_takeover (reset per message, each message
 * inflated whole within one read). Made with the loop's first deflate socket; its native memory is freed by
 * the JDK's cleaner once the transport is gone. Confined to the event loop.
 */
final class DeflateCodec {

  private final EventExecutor loop;
  private Inflater inflater;

  DeflateCodec(EventExecutor loop) {
    this.loop = loop;
  }

  boolean runsOn(EventExecutor executor) {
    return loop == executor;
  }

  /** The loop's Inflater for clients without context takeover; reset it before each message. */
  Inflater sharedInflater() {
    if (inflater == null) {
      inflater = new Inflater(true);
    }
    return inflater;
  }
}
