package dev.chorus.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP receiver of webhooks in the test process: checks each request as docs/operations.md's receiver
 * does ({@link #verified}: Chorus-Signature over Chorus-Timestamp and the body, the timestamp at most
 * {@link #MAX_AGE_SECONDS} old), records the events of the requests it accepts, and can answer the next
 * requests with 500 or not at all.
 */
public final class WebhookReceiver implements AutoCloseable {

  /** How old a request's Chorus-Timestamp may be (or how far ahead) before a receiver refuses it as a replay. */
  public static final long MAX_AGE_SECONDS = 300;

  private final Vertx vertx = Vertx.vertx();
  private final String secret;
  private final List<JsonObject> accepted = new ArrayList<>();
  private final List<Integer> batchSizes = new ArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final List<String> attempted = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<Signed> signed = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final AtomicInteger badSignatures = new AtomicInteger();
  private final AtomicInteger failNext = new AtomicInteger();
  private final AtomicInteger hangNext = new AtomicInteger();
  private HttpServer server;
  private int port;

  public WebhookReceiver(String secret) {
    this.secret = secret;
    listen(0);
  }

  private void listen(int at) {
    this.server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      requests.incrementAndGet();
      attempted.add(body.toString());
      signed.add(new Signed(request.getHeader("Chorus-Timestamp"), request.getHeader("Chorus-Signature"), body.getBytes()));
      if (!verified(secret, request.getHeader("Chorus-Timestamp"), request.getHeader("Chorus-Signature"),
        body.getBytes()) || !"application/json".equals(request.getHeader("Content-Type"))) {
        badSignatures.incrementAndGet();
        request.response().setStatusCode(401).end();
        return;
      }
      if (hangNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        return;
      }
      if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        request.response().setStatusCode(500).end();
        return;
      }
      synchronized (accepted) {
        var events = new JsonObject(body).getJsonArray("events");
        batchSizes.add(events.size());
        events.forEach(event -> accepted.add((JsonObject) event));
      }
      request.response().setStatusCode(204).end();
    })).listen(at, "127.0.0.1").await();
    this.port = server.actualPort();
  }

  /** A receiver for a node about to start with {@code env}: WEBHOOK_URL and WEBHOOK_SECRET point it here. */
  public static WebhookReceiver startFor(java.util.Map<String, String> env, String secret) {
    WebhookReceiver receiver = new WebhookReceiver(secret);
    env.put("WEBHOOK_URL", receiver.url());
    env.put("WEBHOOK_SECRET", secret);
    return receiver;
  }

  public String url() {
    return "http://127.0.0.1:" + port + "/hooks";
  }

  /** The receiver goes away: its port refuses connections until {@link #restart}. */
  public void kill() {
    server.close().await();
  }

  /** The receiver is back, on the same port. */
  public void restart() {
    listen(port);
  }

  /** Answers the next {@code n} requests with 500. */
  public void failNext(int n) {
    failNext.set(n);
  }

  /** Answers the next {@code n} requests not at all. */
  public void hangNext(int n) {
    hangNext.set(n);
  }

  /** The events of every accepted request, in the order they came. */
  public List<JsonObject> events() {
    synchronized (accepted) {
      return List.copyOf(accepted);
    }
  }

  public List<Integer> batchSizes() {
    synchronized (accepted) {
      return List.copyOf(batchSizes);
    }
  }

  /** The bodies of every request, accepted or not. */
  public List<String> attempted() {
    return List.copyOf(attempted);
  }

  /** A request's Chorus-Timestamp and Chorus-Signature (null when absent) and body. */
  public record Signed(String timestamp, String signature, byte[] body) {
  }

  /** Every request, accepted or not, as it was signed. */
  public List<Signed> signed() {
    return List.copyOf(signed);
  }

  /** The port it listens on (127.0.0.1). */
  public int port() {
    return port;
  }

  public int requests() {
    return requests.get();
  }

  public int badSignatures() {
    return badSignatures.get();
  }

  /**
   * Whether a request is Chorus's and fresh: {@code signature} is {@code sha256=} and the hex HMAC-SHA256 of
   * {@code timestamp + "." + body} with {@code secret}, and {@code timestamp} (epoch seconds) is within
   * {@link #MAX_AGE_SECONDS} of now. Compared in constant time, as a receiver should.
   */
  public static boolean verified(String secret, String timestamp, String signature, byte[] body) {
    if (timestamp == null || signature == null || !timestamp.matches("\\d{1,12}")) {
      return false;
    }
    if (Math.abs(java.time.Instant.now().getEpochSecond() - Long.parseLong(timestamp)) > MAX_AGE_SECONDS) {
      return false;
    }
    return java.security.MessageDigest.isEqual(("sha256=" + signature(secret, timestamp, body)).getBytes(StandardCharsets.UTF_8),
      signature.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The hex HMAC-SHA256 of {@code timestamp}, ".", and {@code body} with {@code secret}: what Chorus-Signature
   * carries after "sha256=".
   */
  public static String signature(String secret, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
