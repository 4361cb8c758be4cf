package dev.chorus.webhooks;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * Signed JSON POSTs to the application: {@code Content-Type: application/json}, {@code Chorus-Timestamp: <epoch
 * seconds>} and {@code Chorus-Signature: sha256=<hex HMAC-SHA256 with webhooks.secret of the timestamp, ".", and
 * the raw body>}, so that a receiver that refuses old timestamps cannot be fed a captured request again later.
 * A request that gets no whole answer within its timeout fails, and so does one whose answer passes
 * {@link #MAX_ANSWER_BYTES} (counted as the bytes arrive, chunked or not); a request that fails is reset at
 * once, its connection closed, so no more is read and the pool gets the connection back. Thread-safe.
 */
public final class HookClient {

  /** An answer: its status and body. */
  public record Answer(int status, Buffer body) {
    public boolean ok() {
      return status / 100 == 2;
    }
  }

  /** Connections to the application per node, and requests that may wait for one. */
  static final int MAX_CONNECTIONS = 64;
  private static final int MAX_WAITING = 10_000;
  /** The largest answer read (proxies answer a few fields; webhook answers are not read). */
  static final int MAX_ANSWER_BYTES = 64 * 1024;
  /** The request headers that carry the signing time and the signature. */
  public static final String TIMESTAMP = "Chorus-Timestamp";
  public static final String SIGNATURE = "Chorus-Signature";
  private static final String TOO_LONG = "answer over " + MAX_ANSWER_BYTES + " bytes";

  private final HttpClient client;
  private final SecretKeySpec key;

  public HookClient(Vertx vertx, String secret, long timeoutMillis) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) timeoutMillis)
      .setIdleTimeout((int) timeoutMillis).setIdleTimeoutUnit(TimeUnit.MILLISECONDS),
      new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS).setMaxWaitQueueSize(MAX_WAITING));
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  /**
   * POSTs {@code body} to {@code url}; fails unless the whole answer (a connection from the pool, the status,
   * at most {@link #MAX_ANSWER_BYTES} of body) is in within {@code timeoutMillis}. That is a deadline for the
   * whole exchange, not an idle time between bytes: when it passes, the request is reset (its connection
   * closed) whatever it is waiting for, the status or the rest of a body dripped byte by byte, so an
   * application that answers too slowly cannot keep the pool's connections.
   */
  public Future<Answer> post(String url, Buffer body, long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    String timestamp = String.valueOf(Instant.now().getEpochSecond());
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
      .putHeader("Content-Type", "application/json").putHeader(TIMESTAMP, timestamp)
      .putHeader(SIGNATURE, "sha256=" + sign(timestamp, body))
      .setConnectTimeout(timeoutMillis);
    // The caller hears at the deadline even when the pool wait or the TCP connect overshoots it; a request
    // obtained that late is reset at once.
    return client.request(request)
      .compose(req -> exchange(req, body)
        .timeout(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)
        .onFailure(failed -> req.reset()))
      .timeout(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /** Sends the request and reads its answer, refusing one whose Content-Length passes the cap at once. */
  private static Future<Answer> exchange(HttpClientRequest req, Buffer body) {
    return req.send(body).compose(response -> {
      String length = response.getHeader("Content-Length");
      if (length != null && length.length() > 9 || length != null && Long.parseLong(length) > MAX_ANSWER_BYTES) {
        return Future.failedFuture(TOO_LONG);
      }
      return capped(response);
    });
  }

  /** The answer's body, read as it arrives; fails as soon as it passes {@link #MAX_ANSWER_BYTES}. */
  private static Future<Answer> capped(HttpClientResponse response) {
    Promise<Answer> answer = Promise.promise();
    Buffer received = Buffer.buffer();
    response.handler(chunk -> {
      if (received.length() + chunk.length() > MAX_ANSWER_BYTES) {
        answer.tryFail(TOO_LONG);
      } else {
        received.appendBuffer(chunk);
      }
    });
    response.exceptionHandler(answer::tryFail);
    response.endHandler(end -> answer.tryComplete(new Answer(response.statusCode(), received)));
    return answer.future();
  }

  /** The hex HMAC-SHA256 of {@code timestamp}, ".", and {@code body}. */
  private String sign(String timestamp, Buffer body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(mac.doFinal(body.getBytes()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  public Future<Void> close() {
    return client.close();
  }
}
