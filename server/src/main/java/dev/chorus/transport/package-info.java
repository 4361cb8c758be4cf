/**
 * Everything below the chat protocol. The rest of the code sees one socket port, {@link
 * dev.chorus.transport.ClientSocket}: whole messages in, pre-encoded text out, congestion, close with a
 * {@link dev.chorus.protocol.CloseCode}, on-closed. Below it: frame validation and message assembly
 * ({@code FrameHandler}), opt-in permessage-deflate (compressed once per fan-out), the close contract,
 * heartbeat, slow consumers, pre-encoded writes, and every use of Vert.x or Netty internals
 * ({@code VertxInternals}, found by name with a public-API fallback). Nothing outside this package imports a
 * Vert.x {@code impl} or {@code internal} package or uses reflection.
 */
package dev.chorus.transport;
