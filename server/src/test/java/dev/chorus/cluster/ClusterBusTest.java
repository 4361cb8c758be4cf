package dev.chorus.cluster;

import dev.chorus.support.Await;
import dev.chorus.support.LogLines;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ClusterBus on one Vert.x instance: what a consumer is handed, and what it never sees. The raw event bus plays
 * the member without the secret (or with another one), sending what it made or what it heard.
 */
class ClusterBusTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final ClusterKeys KEYS = ClusterKeys.derive("the-cluster-secret-of-this-test-0123");
  private static final ClusterKeys OTHER_KEYS = ClusterKeys.derive("another-cluster-secret-entirely-0123");

  private final Vertx vertx = Vertx.vertx();
  private final AtomicInteger rejected = new AtomicInteger();
  private final ClusterBus bus = new ClusterBus(vertx, KEYS, rejected::incrementAndGet);
  private final List<Envelope> heard = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private void listen(String address) {
    Await.result(bus.consumer(address, incoming -> heard.add(incoming.envelope())).completion(), WAIT);
  }

  /** What a member hears on {@code address} without opening it. */
  private List<Buffer> eavesdrop(String address) {
    List<Buffer> raw = new CopyOnWriteArrayList<>();
    MessageConsumer<Buffer> consumer = vertx.eventBus().consumer(address, message -> raw.add(message.body()));
    Await.result(consumer.completion(), WAIT);
    return raw;
  }

  private static Envelope chat(String text) {
    return new Envelope(Map.of("room", "private:board"), ("{\"text\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  private void awaitRejected(int count) {
    Await.until(() -> rejected.get() >= count, WAIT, count + " rejected");
    assertEquals(count, rejected.get());
  }

  @Test
  void aSealedPublishArrivesWithItsHeadersAndBodyAndHidesThem() {
    listen("chorus.rooms");
    List<Buffer> raw = eavesdrop("chorus.rooms");
    bus.publish("chorus.rooms", chat("marker-1"));
    Await.until(() -> heard.size() == 1 && raw.size() == 1, WAIT, "the publish");
    assertEquals("private:board", heard.get(0).header("room"));
    assertArrayEquals(chat("marker-1").body(), heard.get(0).body());
    String wire = raw.get(0).toString(StandardCharsets.ISO_8859_1);
    assertTrue(!wire.contains("marker-1") && !wire.contains("private:board"), "the wire shows neither text nor room");
    assertEquals(0, rejected.get());
  }

  @Test
  void aPlainEnvelopeOrAnyOtherBodyIsDroppedAndCounted() {
    listen("chorus.rooms");
    byte[] plain = EnvelopeFormat.write(chat("forged"), System.currentTimeMillis());
    Buffer plainWire = Buffer.buffer().appendByte((byte) 1).appendBytes(plain);
    vertx.eventBus().publish("chorus.rooms", plainWire);
    vertx.eventBus().publish("chorus.rooms", "a string");
    vertx.eventBus().publish("chorus.rooms", Buffer.buffer());
    awaitRejected(3);
    assertEquals(List.of(), heard);
  }

  @Test
  void aReplayedOrMovedSealedMessageIsDroppedAndCounted() {
    listen("chorus.rooms");
    listen("chorus.users.node-b");
    List<Buffer> raw = eavesdrop("chorus.rooms");
    bus.publish("chorus.rooms", chat("once"));
    Await.until(() -> heard.size() == 1 && raw.size() == 1, WAIT, "the publish");
    vertx.eventBus().publish("chorus.rooms", raw.get(0));
    vertx.eventBus().send("chorus.users.node-b", raw.get(0));
    awaitRejected(2);
    assertEquals(1, heard.size(), "only the original");
  }

  @Test
  void aMessageSealedWithAnotherSecretIsDroppedAndCounted() {
    listen("chorus.rooms");
    byte[] plain = EnvelopeFormat.write(chat("other secret"), System.currentTimeMillis());
    byte[] sealed = new Sealer(OTHER_KEYS.eventBus()).seal("chorus.rooms".getBytes(StandardCharsets.UTF_8), plain, 0,
      plain.length, 1);
    sealed[0] = 2;
    vertx.eventBus().publish("chorus.rooms", Buffer.buffer(sealed));
    awaitRejected(1);
    assertEquals(List.of(), heard);
  }

  @Test
  void aRequestGetsItsSealedAnswer() {
    bus.consumer("chorus.users.node-a", incoming -> incoming.reply(Envelope.of(
      ("answer to " + new String(incoming.envelope().body(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8))));
    Envelope answer = Await.result(bus.request("chorus.users.node-a", Envelope.of("lookup".getBytes(StandardCharsets.UTF_8)),
      2000), WAIT);
    assertEquals("answer to lookup", new String(answer.body(), StandardCharsets.UTF_8));
  }

  @Test
  void anAnswerNotSealedToTheRequestFailsItAndIsCounted() {
    // A member without the secret answers in place of a node.
    vertx.eventBus().<Buffer>consumer("chorus.users.node-a", message -> message.reply(Buffer.buffer()
      .appendByte((byte) 1).appendBytes(EnvelopeFormat.write(Envelope.of(new byte[] {'{', '}'}), 0))));
    var answer = bus.request("chorus.users.node-a", Envelope.of("lookup".getBytes(StandardCharsets.UTF_8)), 2000)
      .toCompletionStage().toCompletableFuture();
    ExecutionException failure = assertThrows(ExecutionException.class, () -> answer.get(5, TimeUnit.SECONDS));
    assertTrue(failure.getCause().getMessage().contains("refused answer"), failure.toString());
    assertEquals(1, rejected.get());
  }

  @Test
  void refusalsAreLoggedAtMostOnceAMinute() {
    listen("chorus.rooms");
    try (LogLines lines = LogLines.of(ClusterBus.class)) {
      for (int i = 0; i < 20; i++) {
        vertx.eventBus().publish("chorus.rooms", "forged " + i);
      }
      awaitRejected(20);
      assertEquals(1, lines.messages().size(), lines.messages().toString());
      assertTrue(lines.messages().get(0).contains("chorus.rooms: not a Chorus envelope"), lines.messages().get(0));
    }
  }
}
