package dev.chorus.webhooks;

import dev.chorus.config.Settings;
import dev.chorus.metrics.ChorusMetrics;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The application's say over joins and chats in rooms with {@code "proxy": true}: a signed POST to
 * proxy.joinUrl ({@code {"user","room","meta"}}) or proxy.publishUrl ({@code {"user","room","message"}}).
 * A 200 {@code {"allow":true}} allows (with an optional {@code "meta"} or {@code "message"} to use instead),
 * a 200 {@code {"allow":false}} or a 403 refuses, and anything else (no answer within proxy.timeoutMillis, a
 * failed connection, a 5xx, an answer that says neither) leaves the client to try again later. The answers
 * never fail. Latency and outcomes are in chorus_proxy_seconds and chorus_proxy_outcomes_total. Thread-safe.
 */
public final class ApplicationProxy {

  /** What the application said. */
  public enum Outcome { ALLOW, DENY, UNAVAILABLE }

  /**
   * An answer; {@code replacement} is the meta (a JSON object, encoded) or the message text the application
   * gave instead, null for none.
   */
  public record Answer(Outcome outcome, String replacement) {
  }

  /** The largest meta a join proxy may give, as a client's join: 256 bytes encoded. */
  private static final int MAX_META_BYTES = 256;

  /** No proxies. */
  public static final ApplicationProxy OFF = new ApplicationProxy(null, null, null);

  private final HookClient client;
  private final Settings.Proxy settings;
  private final ChorusMetrics metrics;

  public ApplicationProxy(HookClient client, Settings.Proxy settings, ChorusMetrics metrics) {
    this.client = client;
    this.settings = settings;
    this.metrics = metrics;
  }

  public boolean joins() {
    return client != null && !settings.joinUrl().isEmpty();
  }

  public boolean publishes() {
    return client != null && !settings.publishUrl().isEmpty();
  }

  /** Asks whether {@code user} may join {@code room} with {@code meta} (encoded JSON, null for none). */
  public Future<Answer> join(String user, String room, String meta) {
    JsonObject body = new JsonObject().put("user", user).put("room", room)
      .put("meta", meta == null ? null : new JsonObject(meta));
    return ask("join", settings.joinUrl(), body, true);
  }

  /** Asks whether {@code user} may say {@code message} in {@code room}; {@code id}, the chat's, or null. */
  public Future<Answer> publish(String user, String room, String message, String id) {
    JsonObject body = new JsonObject().put("user", user).put("room", room).put("message", message);
    if (id != null) {
      body.put("id", id);
    }
    return ask("publish", settings.publishUrl(), body, false);
  }

  private Future<Answer> ask(String kind, String url, JsonObject body, boolean join) {
    long start = System.nanoTime();
    return client.post(url, body.toBuffer(), settings.timeoutMillis())
      .map(answer -> decide(answer, join))
      .otherwise(new Answer(Outcome.UNAVAILABLE, null))
      .onSuccess(answer -> metrics.proxyAnswered(kind, answer.outcome().name().toLowerCase(java.util.Locale.ROOT),
        System.nanoTime() - start));
  }

  /**
   * What an answer says. A replacement of the wrong kind (a join's meta that is no JSON object of at most 256
   * bytes encoded, a publish's message that is no string) makes the answer say nothing: UNAVAILABLE.
   */
  private static Answer decide(HookClient.Answer answer, boolean join) {
    if (answer.status() == 403) {
      return new Answer(Outcome.DENY, null);
    }
    if (answer.status() != 200) {
      return new Answer(Outcome.UNAVAILABLE, null);
    }
    JsonObject json;
    try {
      json = answer.body().toJsonObject();
    } catch (RuntimeException notJson) {
      return new Answer(Outcome.UNAVAILABLE, null);
    }
    Object allow = json.getValue("allow");
    if (!(allow instanceof Boolean allowed)) {
      return new Answer(Outcome.UNAVAILABLE, null);
    }
    if (!allowed) {
      return new Answer(Outcome.DENY, null);
    }
    Object replacement = json.getValue(join ? "meta" : "message");
    if (replacement == null) {
      return new Answer(Outcome.ALLOW, null);
    }
    if (join && replacement instanceof JsonObject meta
      && meta.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_META_BYTES) {
      return new Answer(Outcome.ALLOW, meta.encode());
    }
    if (!join && replacement instanceof String text) {
      return new Answer(Outcome.ALLOW, text);
    }
    return new Answer(Outcome.UNAVAILABLE, null);
  }
}
