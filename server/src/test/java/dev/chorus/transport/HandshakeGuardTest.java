package dev.chorus.transport;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The handshake deadline and the budget of pending connections, on Netty's EmbeddedChannel. */
class HandshakeGuardTest {

  private static final long DEADLINE_MILLIS = 10_000;

  private final PendingConnections pending = new PendingConnections(2);
  private final HandshakeGuard guard = new HandshakeGuard(null, pending, DEADLINE_MILLIS, false);

  private EmbeddedChannel connection() {
    return new EmbeddedChannel(new HandshakeDeadline(guard, DEADLINE_MILLIS));
  }

  private static void pastDeadline(EmbeddedChannel channel) {
    channel.advanceTimeBy(DEADLINE_MILLIS + 1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
  }

  private static void request(EmbeddedChannel channel) {
    channel.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/health"),
      LastHttpContent.EMPTY_LAST_CONTENT);
    for (Object read; (read = channel.readInbound()) != null; ) {
      ReferenceCountUtil.release(read);
    }
  }

  private static void answer(EmbeddedChannel channel, HttpResponseStatus status) {
    channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status));
    for (Object written; (written = channel.readOutbound()) != null; ) {
      ReferenceCountUtil.release(written);
    }
  }

  @Test
  void aConnectionWithoutAWholeRequestIsClosedAtTheDeadline() {
    EmbeddedChannel channel = connection();
    channel.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/rooms/a/messages"));
    ReferenceCountUtil.release(channel.readInbound());
    channel.advanceTimeBy(DEADLINE_MILLIS / 2, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertTrue(channel.isOpen());
    pastDeadline(channel);
    assertFalse(channel.isOpen());
    assertEquals(0, pending.count());
    assertFalse(channel.finish());
  }

  @Test
  void aRequestBeingAnsweredIsNotTimedAndTheNextOneIs() {
    EmbeddedChannel channel = connection();
    request(channel);
    pastDeadline(channel);
    assertTrue(channel.isOpen(), "the server's turn is not timed");
    answer(channel, HttpResponseStatus.OK);
    assertTrue(channel.isOpen());
    pastDeadline(channel);
    assertFalse(channel.isOpen(), "an idle keep-alive connection is held to the deadline");
    assertFalse(channel.finish());
  }

  @Test
  void anAnswerBeforeTheRequestsEndStillWaitsForIt() {
    EmbeddedChannel channel = connection();
    channel.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/health"));
    ReferenceCountUtil.release(channel.readInbound());
    answer(channel, HttpResponseStatus.OK);
    pastDeadline(channel);
    assertFalse(channel.isOpen(), "the request never ended");
    assertFalse(channel.finish());
  }

  @Test
  void aWebSocketLeavesTheDeadlineAndTheBudget() {
    EmbeddedChannel channel = connection();
    request(channel);
    answer(channel, HttpResponseStatus.SWITCHING_PROTOCOLS);
    assertNull(channel.pipeline().get(HandshakeDeadline.class));
    assertEquals(0, pending.count());
    pastDeadline(channel);
    assertTrue(channel.isOpen());
    assertFalse(channel.finish());
  }

  @Test
  void pastTheBudgetANewConnectionClosesTheOldestPendingOne() {
    EmbeddedChannel oldest = connection();
    EmbeddedChannel older = connection();
    EmbeddedChannel newest = connection();
    assertFalse(oldest.isOpen());
    assertTrue(older.isOpen());
    assertTrue(newest.isOpen());
    assertEquals(2, pending.count());
    newest.close();
    assertEquals(1, pending.count());
    assertFalse(oldest.finish());
    assertFalse(older.finish());
    assertFalse(newest.finish());
  }

  @Test
  void aRequestBeingAnsweredIsNotPushedOut() {
    EmbeddedChannel answering = connection();
    request(answering);
    EmbeddedChannel waiting = connection();
    EmbeddedChannel newest = connection();
    assertTrue(answering.isOpen());
    assertFalse(waiting.isOpen());
    assertTrue(newest.isOpen());
    assertFalse(answering.finish());
    assertFalse(waiting.finish());
    assertFalse(newest.finish());
  }
}
