package dev.chorus.hub;

import dev.chorus.support.FakeClientSocket;
import dev.chorus.transport.OutboundFrame;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A socket's place in a room, over a fake socket: live writes, holding during a replay, full queues. */
class SubscriberTest {

  private final FakeClientSocket socket = new FakeClientSocket("/chat");

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static OutboundFrame frame(String text) {
    return OutboundFrame.text(json(text));
  }

  @Test
  void liveSubscriberWritesEachDeliveryAtOnce() {
    Subscriber subscriber = new Subscriber(socket, "c1", new Replays(), false);
    subscriber.deliver(1, frame("m1"));
    subscriber.deliver(-1, frame("status"));
    subscriber.deliver(2, frame("m2"));
    assertEquals(List.of("m1", "status", "m2"), socket.drain());
  }

  @Test
  void holdingSubscriberWritesNothingUntilReleasedThenOnlyWhatTheReplayDidNotCover() {
    Subscriber subscriber = new Subscriber(socket, "c1", new Replays(), true);
    subscriber.deliver(5, frame("m5"));
    subscriber.deliver(-1, frame("status"));
    subscriber.deliver(6, frame("m6"));
    subscriber.write(json("replayed m4"));
    subscriber.write(json("replayed m5"));
    assertEquals(List.of("replayed m4", "replayed m5"), socket.drain());
    subscriber.release(5);
    assertEquals(List.of("status", "m6"), socket.drain());
    subscriber.deliver(5, frame("m5 again"));
    subscriber.deliver(7, frame("m7"));
    assertEquals(List.of("m7"), socket.drain(), "at or below the floor: the client has it");
  }

  @Test
  void fullQueueDropsDeliveriesAndPacesWhatAResumeMustNotLose() {
    Subscriber subscriber = new Subscriber(socket, "c1", new Replays(), false);
    socket.congested(true);
    subscriber.deliver(1, frame("m1"));
    subscriber.write(json("replayed"));
    subscriber.deliver(2, frame("m2"));
    List<String> after = new java.util.ArrayList<>();
    subscriber.whenWritable(() -> after.add("next page"));
    assertEquals(List.of(), socket.drain(), "nothing written while the queue is full");
    assertEquals(List.of(), after);
    socket.congested(false);
    subscriber.deliver(3, frame("m3"));
    assertEquals(List.of("replayed", "m3"), socket.drain(), "the paced write once drained; m1 and m2 dropped");
    assertEquals(List.of("next page"), after);
  }

  @Test
  void pacedWritesGoOutInOrderAsTheQueueDrainsAndDeliveriesWaitingBehindThemAreDropped() {
    Subscriber subscriber = new Subscriber(socket, "c1", new Replays(), true);
    socket.fillsAfter(1);
    subscriber.write(json("r1"));
    subscriber.write(json("r2"));
    subscriber.write(json("r3"));
    subscriber.deliver(4, frame("held m4"));
    subscriber.release(3);
    assertEquals(List.of("r1"), socket.drain());
    socket.fillsAfter(1);
    socket.congested(false);
    assertEquals(List.of("r2"), socket.drain(), "one more once it drains, then full again");
    subscriber.deliver(5, frame("m5"));
    socket.congested(false);
    assertEquals(List.of("r3", "held m4"), socket.drain(), "held deliveries are paced like the replay");
    subscriber.deliver(6, frame("m6"));
    assertEquals(List.of("m6"), socket.drain(), "live again once the backlog is written; m5 was dropped");
  }

  @Test
  void aSubscriberThatLeftForgetsWhatWasWaiting() {
    Subscriber subscriber = new Subscriber(socket, "c1", new Replays(), false);
    socket.congested(true);
    subscriber.write(json("replayed"));
    subscriber.whenWritable(() -> socket.sendText(json("next page")));
    subscriber.stop();
    socket.congested(false);
    assertEquals(List.of(), socket.drain());
  }
}
