package dev.chorus.cluster;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Chorus's messages between nodes, over Vert.x's clustered event bus: every message is an {@link Envelope}
 * carried as a Buffer. With the cluster secret, the envelope (headers, body and sealing time) is sealed
 * once by the sender ({@link Sealer}, the event-bus key of {@link ClusterKeys}) and bound to its address (a
 * reply: to its request's nonce); each receiving node opens it once and refuses what fails: not sealed,
 * wrong key or forged, truncated, outside the time window or replayed ({@link ReplayGuard}). A refused message
 * is dropped, counted ({@code onRejected}, chorus_cluster_rejected_total) and logged at most once a minute.
 * Without a secret, envelopes travel plain and nothing is checked (a single machine on loopback).
 *
 * <p>A reply to a refused request never comes: the requester times out. Thread-safe: one per node.
 */
public final class ClusterBus {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterBus.class);
  private static final byte PLAIN = 1;
  private static final byte SEALED = 2;
  private static final long LOG_EVERY_MILLIS = 60_000;
  private static final byte[] REPLY = "reply:".getBytes(StandardCharsets.UTF_8);

  /** Counts a refused message. */
  @FunctionalInterface
  public interface Rejections {
    void rejected();
  }

  /** A message that arrived and passed verification, which the handler may answer. */
  public final class Incoming {
    private final Envelope envelope;
    private final Message<Object> message;
    private final byte[] nonce;

    private Incoming(Envelope envelope, Message<Object> message, byte[] nonce) {
      this.envelope = envelope;
      this.message = message;
      this.nonce = nonce;
    }

    public Envelope envelope() {
      return envelope;
    }

    /** Answers a request, sealed to it; nothing for a publish or a send. */
    public void reply(Envelope answer) {
      if (message.replyAddress() != null) {
        message.reply(Buffer.buffer(wrap(nonce == null ? null : replyBinding(nonce), answer)));
      }
    }
  }

  private final EventBus eventBus;
  private final Sealer sealer;
  private final ReplayGuard replays;
  private final LongSupplier clock;
  private final Rejections onRejected;
  private final AtomicLong nextLogAt = new AtomicLong();
  private final AtomicLong unlogged = new AtomicLong();

  /**
   * The bus of {@code vertx} with {@code keys} (null: plain, no secret). Registers the local-only codec of
   * {@link Envelope} on the event bus: one ClusterBus per Vert.x instance.
   */
  public ClusterBus(Vertx vertx, ClusterKeys keys, Rejections onRejected) {
    this(vertx, keys, onRejected, System::currentTimeMillis);
  }

  ClusterBus(Vertx vertx, ClusterKeys keys, Rejections onRejected, LongSupplier clock) {
    this.eventBus = vertx.eventBus();
    this.sealer = keys == null ? null : new Sealer(keys.eventBus());
    this.replays = new ReplayGuard(clock);
    this.clock = clock;
    this.onRejected = onRejected;
    eventBus.registerDefaultCodec(Envelope.class, new LocalEnvelopeCodec());
  }

  /** Whether messages are sealed (the node has the cluster secret). */
  public boolean sealed() {
    return sealer != null;
  }

  /** The underlying event bus, for local-only traffic within the node. */
  public EventBus eventBus() {
    return eventBus;
  }

  /** Publishes to every node subscribed at {@code address}: sealed once, however many nodes receive it. */
  public void publish(String address, Envelope envelope) {
    eventBus.publish(address, Buffer.buffer(wrap(bind(address), envelope)));
  }

  /** Sends to one node subscribed at {@code address}. */
  public void send(String address, Envelope envelope) {
    eventBus.send(address, Buffer.buffer(wrap(bind(address), envelope)));
  }

  /** Sends a request and completes with its verified answer; fails on timeout or a refused answer. */
  public Future<Envelope> request(String address, Envelope envelope, long timeoutMillis) {
    byte[] wire = wrap(bind(address), envelope);
    byte[] binding = sealer == null ? null : replyBinding(Sealer.nonce(wire, 1));
    return eventBus.request(address, Buffer.buffer(wire), new DeliveryOptions().setSendTimeout(timeoutMillis))
      .compose(answer -> {
        Incoming opened = open(answer.address(), binding, answer);
        return opened == null ? Future.failedFuture("refused answer from " + address)
          : Future.succeededFuture(opened.envelope);
      });
  }

  /** Registers {@code handler} cluster-wide at {@code address}; it sees only messages that pass verification. */
  public MessageConsumer<Object> consumer(String address, Handler<Incoming> handler) {
    byte[] binding = bind(address);
    return eventBus.consumer(address, message -> {
      Incoming incoming = open(address, binding, message);
      if (incoming != null) {
        handler.handle(incoming);
      }
    });
  }

  private byte[] bind(String address) {
    return address.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] replyBinding(byte[] nonce) {
    byte[] binding = new byte[REPLY.length + nonce.length];
    System.arraycopy(REPLY, 0, binding, 0, REPLY.length);
    System.arraycopy(nonce, 0, binding, REPLY.length, nonce.length);
    return binding;
  }

  private byte[] wrap(byte[] binding, Envelope envelope) {
    byte[] plain = EnvelopeFormat.write(envelope, clock.getAsLong());
    if (sealer == null) {
      byte[] out = new byte[plain.length + 1];
      out[0] = PLAIN;
      System.arraycopy(plain, 0, out, 1, plain.length);
      return out;
    }
    byte[] out = sealer.seal(binding, plain, 0, plain.length, 1);
    out[0] = SEALED;
    return out;
  }

  /** The verified message, or null after counting and (at most once a minute) logging its refusal. */
  private Incoming open(String address, byte[] binding, Message<Object> message) {
    String refusal;
    try {
      if (!(message.body() instanceof Buffer buffer) || buffer.length() == 0) {
        refusal = "not a Chorus envelope";
      } else {
        byte[] wire = buffer.getBytes();
        if (sealer == null) {
          if (wire[0] == PLAIN) {
            return new Incoming(EnvelopeFormat.read(wire, 1).envelope(), message, null);
          }
          refusal = "sealed, but this node has no cluster secret";
        } else if (wire[0] != SEALED) {
          refusal = "not sealed";
        } else {
          EnvelopeFormat.Timed timed = EnvelopeFormat.read(sealer.open(binding, wire, 1), 0);
          refusal = replays.check(timed.sealedAtMillis(), wire, 1);
          if (refusal == null) {
            return new Incoming(timed.envelope(), message, Sealer.nonce(wire, 1));
          }
        }
      }
    } catch (Sealer.Broken | EnvelopeFormat.Malformed e) {
      refusal = e.getMessage();
    } catch (RuntimeException e) {
      // A body Vert.x could not decode (an unknown codec, say) throws from body().
      refusal = "undecodable: " + e.getClass().getSimpleName();
    }
    rejected(address, refusal);
    return null;
  }

  private void rejected(String address, String refusal) {
    onRejected.rejected();
    long dropped = unlogged.incrementAndGet();
    long now = clock.getAsLong();
    long due = nextLogAt.get();
    if (now >= due && nextLogAt.compareAndSet(due, now + LOG_EVERY_MILLIS)) {
      unlogged.addAndGet(-dropped);
      // Vert.x 5.0.7 tells a consumer neither the connection nor the member a message came from.
      LOG.warn("Dropped {} event-bus message(s) failing verification since the last such line, the latest on {}: "
        + "{}; a member without this cluster's secret may have joined (chorus_cluster_rejected_total counts them)",
        dropped, address, refusal);
    }
  }

  /** Carries an already verified envelope between one node's event loops; never crosses the network. */
  private static final class LocalEnvelopeCodec implements MessageCodec<Envelope, Envelope> {
    @Override
    public void encodeToWire(Buffer buffer, Envelope envelope) {
      throw new UnsupportedOperationException("envelopes cross the network only through ClusterBus");
    }

    @Override
    public Envelope decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("envelopes cross the network only through ClusterBus");
    }

    @Override
    public Envelope transform(Envelope envelope) {
      return envelope;
    }

    @Override
    public String name() {
      return "chorus-envelope-local";
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
