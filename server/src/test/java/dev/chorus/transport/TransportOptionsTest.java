package dev.chorus.transport;

import io.vertx.core.http.HttpServerOptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The HTTP server options the transport sets for the connections it accepts. */
class TransportOptionsTest {

  @Test
  void acceptedConnectionsKernelSendBufferIsCappedAt256KiB() {
    // Left to the kernel it grows to 4 MiB for a client that stopped reading, beside the outbound queue.
    assertEquals(256 * 1024, Transport.configure(new HttpServerOptions(), 1024).getSendBufferSize());
  }
}
