package dev.chorus.transport;

import dev.chorus.protocol.CloseCode;

/**
 * Told of every close the server starts, once per connection, as its Close frame goes out: for metrics and
 * counts. Closes the client starts are not reported. Called on the socket's event loop.
 */
@FunctionalInterface
public interface CloseListener {

  void serverClosed(CloseCode code);
}
