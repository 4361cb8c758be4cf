package dev.chorus.webhooks;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * Signed JSON POSTs to the application: {@code Content-Type: application/json} and {@code Chorus-Signature:
 * sha256=<hex HMAC-SHA256 of the raw body with webhooks.secret>}; a request that gets no answer within its
 * timeout fails. Thread-safe.
 */
public final class HookClient {

  /** An answer: its status and body. */
  public record Answer(int status, Buffer body) {
    public boolean ok() {
      return status / 100 == 2;
    }
  }

  /** Connections to the application per node, and requests that may wait for one. */
  private static final int MAX_CONNECTIONS = 64;
  private static final int MAX_WAITING = 10_000;
  /** The largest answer read (proxies answer a few fields; webhook answers are not read). */
  static final int MAX_ANSWER_BYTES = 64 * 1024;

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
   * at most {@link #MAX_ANSWER_BYTES} of body) is in within {@code timeoutMillis}.
   */
  public Future<Answer> post(String url, Buffer body, long timeoutMillis) {
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
      .putHeader("Content-Type", "application/json").putHeader("Chorus-Signature", "sha256=" + sign(body))
      .setConnectTimeout(timeoutMillis).setIdleTimeout(timeoutMillis);
    return client.request(request)
      .compose(req -> req.send(body).compose(response -> {
        String length = response.getHeader("Content-Length");
        if (length != null && length.length() > 9 || length != null && Long.parseLong(length) > MAX_ANSWER_BYTES) {
          req.reset();
          return Future.failedFuture("answer over " + MAX_ANSWER_BYTES + " bytes");
        }
        return response.body().map(answer -> new Answer(response.statusCode(), answer));
      }))
      .timeout(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /** The hex HMAC-SHA256 of {@code body}. */
  private String sign(Buffer body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return HexFormat.of().formatHex(mac.doFinal(body.getBytes()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  public Future<Void> close() {
    return client.close();
  }
}
