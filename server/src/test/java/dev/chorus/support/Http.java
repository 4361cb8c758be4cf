package dev.chorus.support;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Plain HTTP from tests to one node ({@code http://host:port}), over one java.net.http client shared by
 * every test: each answer's status, headers and body. Immutable; {@link #header} and {@link #timeout} give
 * copies.
 */
public final class Http {

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** An answer. */
  public record Response(int status, String body, HttpHeaders headers) {
    /** The body as a JSON object. */
    public JsonObject json() {
      return new JsonObject(body);
    }

    /** The first value of a header, "" when absent. */
    public String header(String name) {
      return headers.firstValue(name).orElse("");
    }
  }

  private final String base;
  private final Duration timeout;
  private final Map<String, String> headers;

  private Http(String base, Duration timeout, Map<String, String> headers) {
    this.base = base;
    this.timeout = timeout;
    this.headers = Map.copyOf(headers);
  }

  /** Requests to http://host:port, each answered within 10 s. */
  public static Http to(String host, int port) {
    return new Http("http://" + host + ":" + port, DEFAULT_TIMEOUT, Map.of());
  }

  /** A copy whose requests must be answered within {@code timeout}. */
  public Http timeout(Duration timeout) {
    return new Http(base, timeout, headers);
  }

  /** A copy that sends this header with every request. */
  public Http header(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new Http(base, timeout, more);
  }

  public Response get(String path) {
    return send("GET", path, null);
  }

  public Response post(String path, String body) {
    return send("POST", path, body);
  }

  /**
   * Sends {@code method path} with {@code body} (none when null).
   *
   * @throws UncheckedIOException when nothing answers (refused, reset, timed out)
   */
  public Response send(String method, String path, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
      .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    try {
      HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body(), response.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + base + path + ": no answer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The status of GET path; -1 when nothing answers (for polling a node that may be down). */
  public int status(String path) {
    try {
      return get(path).status();
    } catch (UncheckedIOException e) {
      return -1;
    }
  }

  /** The body of a 200 answer to GET path; null when the node answers otherwise or not at all (for polling). */
  public String okBody(String path) {
    try {
      Response response = get(path);
      return response.status() == 200 ? response.body() : null;
    } catch (UncheckedIOException e) {
      return null;
    }
  }
}
