package dev.chorus.support;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * An application (proxy or webhook receiver) on a raw server socket in the test process, for tests where the
 * bytes on the wire and their timing matter: chunked answers, bodies dripped byte by byte, the node closing a
 * connection. Each connection is served on a daemon thread of its own, request after request (its head, then
 * a {@code Content-Length} body), by a {@link Handler} that writes the answer itself. A request that does not
 * verify as docs/operations.md's receiver checks it ({@link WebhookReceiver#verified}) gets 401 instead.
 * Thread confinement: the handler runs on each connection's thread, concurrently for separate connections.
 */
public final class RawHttpApplication implements AutoCloseable {

  /** Answers one request. */
  @FunctionalInterface
  public interface Handler {
    /** Writes the answer to {@code request} on {@code out}; false to close the connection after it. */
    boolean answer(Request request, OutputStream out) throws IOException;
  }

  /** A request: its head (request line and headers, as sent) and body. */
  public record Request(String head, byte[] body) {

    /** The request line's path. */
    public String path() {
      return head.split(" ", 3)[1];
    }

    /** The value of header {@code name} (any case), null when absent. */
    public String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }

    public JsonObject json() {
      return new JsonObject(new String(body, StandardCharsets.UTF_8));
    }
  }

  private final String secret;
  private final Handler handler;
  private final ServerSocket socket;

  /** Listens on a free loopback port, checking requests against {@code secret}. */
  public RawHttpApplication(String secret, Handler handler) throws IOException {
    this.secret = secret;
    this.handler = handler;
    this.socket = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "raw-http-application");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * The join proxy, within {@code timeoutMillis}, of a node about to start with {@code env}, for its namespace
   * "px" ({@code "proxy": true}).
   */
  public static RawHttpApplication joinProxyFor(Map<String, String> env, String secret, long timeoutMillis,
                                                Handler handler) throws IOException {
    RawHttpApplication application = new RawHttpApplication(secret, handler);
    env.put("JOIN_PROXY_URL", application.url("/join"));
    env.put("WEBHOOK_SECRET", secret);
    env.put("PROXY_TIMEOUT_MILLIS", String.valueOf(timeoutMillis));
    env.put("CHORUS_CONFIG", SettingsFiles.write("""
      {"rooms": {"namespaces": {"px": {"proxy": true}}}}"""));
    return application;
  }

  /** The webhook receiver, within {@code timeoutMillis}, of a node about to start with {@code env}. */
  public static RawHttpApplication webhookReceiverFor(Map<String, String> env, String secret, long timeoutMillis,
                                                      Handler handler) throws IOException {
    RawHttpApplication receiver = new RawHttpApplication(secret, handler);
    env.put("WEBHOOK_URL", receiver.url("/hooks"));
    env.put("WEBHOOK_SECRET", secret);
    env.put("WEBHOOK_TIMEOUT_MILLIS", String.valueOf(timeoutMillis));
    return receiver;
  }

  /** The URL of {@code path} here. */
  public String url(String path) {
    return "http://127.0.0.1:" + socket.getLocalPort() + path;
  }

  /** Writes a complete answer: {@code status} with {@code json} as its body and its Content-Length. */
  public static void answer(OutputStream out, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: " + body.length
      + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
  }

  /**
   * Answers 200 with a chunked body that never ends: a one-byte chunk every {@code every}, until the peer
   * closes the connection (true: a write failed) or {@code life} has passed (false).
   */
  public static boolean drip(OutputStream out, Duration every, Duration life) {
    long end = System.nanoTime() + life.toNanos();
    try {
      out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII));
      while (System.nanoTime() < end) {
        out.write("1\r\n \r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread.sleep(every.toMillis());
      }
      return false;
    } catch (IOException closed) {
      return true;
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket connection = socket.accept();
        connection.setSendBufferSize(32 * 1024);
        Thread serving = new Thread(() -> serve(connection), "raw-http-application-connection");
        serving.setDaemon(true);
        serving.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket connection) {
    try (connection; InputStream in = connection.getInputStream(); OutputStream out = connection.getOutputStream()) {
      boolean open = true;
      while (open) {
        String head = RawWebSocket.readHead(in);
        if (head == null) {
          return;
        }
        String length = new Request(head, new byte[0]).header("Content-Length");
        Request request = new Request(head, in.readNBytes(length == null ? 0 : Integer.parseInt(length)));
        if (!WebhookReceiver.verified(secret, request.header("Chorus-Timestamp"), request.header("Chorus-Signature"),
          request.body())) {
          answer(out, 401, "{}");
        } else {
          open = handler.answer(request, out);
        }
      }
    } catch (IOException closed) {
      // The node closed the connection.
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
