package dev.chorus.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A WebSocket client written by hand over java.net.Socket, for input no proper client would send:
 * malformed handshakes, reserved opcodes and bits, unmasked or badly fragmented frames, invalid UTF-8.
 * Reads the server's HTTP status and frames, and can stop reading altogether. Blocking; one thread.
 */
public final class RawWebSocket implements AutoCloseable {

  public static final int CONTINUATION = 0x0;
  public static final int TEXT = 0x1;
  public static final int BINARY = 0x2;
  public static final int CLOSE = 0x8;
  public static final int PING = 0x9;
  public static final int PONG = 0xA;

  /** A frame from the server; {@code rsv} its three reserved bits (4: RSV1, compressed with permessage-deflate). */
  public record Frame(int opcode, boolean fin, int rsv, byte[] payload) {
    @Override
    public String toString() {
      return opcode == CLOSE ? "Close(" + closeCode() + ")"
        : "Frame(opcode " + opcode + (compressed() ? ", compressed" : "") + ", " + payload.length + " bytes)";
    }

    /** Whether RSV1 is set: a message compressed with permessage-deflate. */
    public boolean compressed() {
      return (rsv & 4) != 0;
    }

    /**
     * The message the frame carries: its payload, inflated on its own when compressed (the server compresses
     * every message without context takeover).
     */
    public byte[] message() {
      return compressed() ? Deflate.inflate(payload) : payload;
    }

    public String text() {
      return new String(message(), StandardCharsets.UTF_8);
    }

    /** The status code of a close frame, 1005 when it has none. */
    public int closeCode() {
      return payload.length < 2 ? 1005 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    }
  }

  private static final String KEY = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final Random random = new Random();
  private String extensions;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** A TCP connection to 127.0.0.1:port, nothing sent yet. */
  public static RawWebSocket open(int port) {
    return openFrom(null, port);
  }

  /**
   * A TCP connection to 127.0.0.1:port from the local address {@code source} (another loopback address such as
   * 127.0.0.2 plays another client; null: any), nothing sent yet.
   */
  public static RawWebSocket openFrom(String source, int port) {
    try {
      Socket socket = new Socket();
      if (source != null) {
        socket.bind(new InetSocketAddress(source, 0));
      }
      socket.setReceiveBufferSize(16 * 1024); // small, so a client that stops reading fills up quickly
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout((int) ChatClient.DEFAULT_WAIT.toMillis());
      socket.setTcpNoDelay(true);
      return new RawWebSocket(socket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Opens a connection and completes a proper upgrade to {@code path}; fails unless the answer is 101. */
  public static RawWebSocket upgraded(int port, String path) {
    RawWebSocket raw = open(port);
    int status = raw.handshake(upgradeRequest(port, path, ""));
    if (status != 101) {
      raw.close();
      throw new AssertionError("upgrade answered " + status);
    }
    return raw;
  }

  /**
   * Opens a connection and upgrades to {@code path} offering {@code extensions} (a Sec-WebSocket-Extensions
   * value); fails unless the answer is 101. {@link #extensions()} tells what the server answered.
   */
  public static RawWebSocket upgradedOffering(int port, String path, String extensions) {
    RawWebSocket raw = open(port);
    Head head = raw.handshakeHead(upgradeRequest(port, path, "Sec-WebSocket-Extensions: " + extensions + "\r\n"));
    if (head.status() != 101) {
      raw.close();
      throw new AssertionError("upgrade answered " + head.status());
    }
    raw.extensions = head.header("Sec-WebSocket-Extensions");
    return raw;
  }

  /** The Sec-WebSocket-Extensions the server's 101 answered to {@link #upgradedOffering}, or null. */
  public String extensions() {
    return extensions;
  }

  /** An HTTP answer's status and headers (names in lower case, repeated ones joined with ", "); status -1: none. */
  public record Head(int status, Map<String, String> headers) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** Sends an HTTP request and reads the status and headers of the answer. */
  public Head handshakeHead(String request) {
    send(request.getBytes(StandardCharsets.ISO_8859_1));
    try {
      String head = readHead();
      if (head == null) {
        return new Head(-1, Map.of());
      }
      String[] lines = head.split("\r\n");
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim(),
            (a, b) -> a + ", " + b);
        }
      }
      return new Head(Integer.parseInt(lines[0].split(" ", 3)[1]), headers);
    } catch (IOException e) {
      return new Head(-1, Map.of());
    }
  }

  /** A valid upgrade request with {@code extraHeaders} (each ending in CRLF) added. */
  public static String upgradeRequest(int port, String path, String extraHeaders) {
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
  }

  /** Sends raw bytes. */
  public void send(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends an HTTP request and returns the status of the answer, reading its headers (-1: no answer). */
  public int handshake(String request) {
    send(request.getBytes(StandardCharsets.ISO_8859_1));
    return readStatus();
  }

  /** Reads an HTTP status line and headers; -1 when the connection closes first. */
  public int readStatus() {
    try {
      String head = readHead();
      if (head == null) {
        return -1;
      }
      String[] parts = head.split(" ", 3);
      return Integer.parseInt(parts[1]);
    } catch (IOException e) {
      return -1;
    }
  }

  private String readHead() throws IOException {
    return readHead(in);
  }

  /** Reads an HTTP head (start line and headers, through the blank line) from {@code in}; null at EOF first. */
  public static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /** Sends one masked frame. */
  public void sendFrame(int opcode, boolean fin, byte[] payload) {
    sendFrame(opcode, fin, 0, true, payload);
  }

  /** Sends a final masked text frame. */
  public void sendText(String text) {
    sendFrame(TEXT, true, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends one frame with the given RSV bits (0-7) and masking. */
  public void sendFrame(int opcode, boolean fin, int rsv, boolean masked, byte[] payload) {
    send(frame(opcode, fin, rsv, masked, payload, random));
  }

  /** The parts one after the other: frames as they go on the wire. */
  public static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** The bytes of one frame. */
  public static byte[] frame(int opcode, boolean fin, int rsv, boolean masked, byte[] payload, Random random) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
    frame.write((fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0xF));
    int mask = masked ? 0x80 : 0;
    if (payload.length < 126) {
      frame.write(mask | payload.length);
    } else if (payload.length < 65536) {
      frame.write(mask | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xFF);
    } else {
      frame.write(mask | 127);
      long length = payload.length;
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) (length >>> shift) & 0xFF);
      }
    }
    if (masked) {
      byte[] key = new byte[4];
      random.nextBytes(key);
      frame.writeBytes(key);
      byte[] maskedPayload = new byte[payload.length];
      for (int i = 0; i < payload.length; i++) {
        maskedPayload[i] = (byte) (payload[i] ^ key[i & 3]);
      }
      frame.writeBytes(maskedPayload);
    } else {
      frame.writeBytes(payload);
    }
    return frame.toByteArray();
  }

  /** The next frame from the server; null when the connection ends first. */
  public Frame readFrame() {
    try {
      int first = in.read();
      if (first < 0) {
        return null;
      }
      int second = readByte();
      long length = second & 0x7F;
      if (length == 126) {
        length = ((long) readByte() << 8) | readByte();
      } else if (length == 127) {
        length = 0;
        for (int i = 0; i < 8; i++) {
          length = (length << 8) | readByte();
        }
      }
      byte[] payload = in.readNBytes((int) length);
      if (payload.length < length) {
        return null;
      }
      return new Frame(first & 0xF, (first & 0x80) != 0, (first >> 4) & 7, payload);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no frame within the socket timeout", e);
    } catch (IOException e) {
      return null;
    }
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new IOException("connection ended mid-frame");
    }
    return b;
  }

  /**
   * The close contract from the client's side: the server's next frame is its one Close, with {@code expected};
   * answered as a client would, it is followed by nothing but the end of the connection within {@code wait}.
   */
  public void assertOneCloseThenEof(int expected, Duration wait) {
    Frame close = readFrame();
    if (close == null || close.opcode() != CLOSE || close.closeCode() != expected) {
      throw new AssertionError("expected one Close " + expected + ", got " + close);
    }
    send(frame(CLOSE, true, 0, true, Arrays.copyOf(close.payload(), 2), random));
    List<Frame> after = framesUntilEof(wait);
    if (!after.isEmpty()) {
      throw new AssertionError("nothing after the Close, got " + after);
    }
  }

  /** Reads frames, skipping data frames (broadcasts), until a close frame; returns its code, -1 on EOF. */
  public int awaitCloseCode() {
    while (true) {
      Frame frame = readFrame();
      if (frame == null) {
        return -1;
      }
      if (frame.opcode() == CLOSE) {
        return frame.closeCode();
      }
    }
  }

  /** Reads frames, skipping pings and broadcasts, until a text frame whose text contains {@code part}. */
  public Frame awaitText(String part) {
    while (true) {
      Frame frame = readFrame();
      if (frame == null) {
        throw new AssertionError("connection ended before a text with '" + part + "'");
      }
      if (frame.opcode() == TEXT && frame.text().contains(part)) {
        return frame;
      }
    }
  }

  /**
   * Every frame the server sends until it ends the connection (a reset counts as the end); fails if that
   * takes longer than {@code wait}.
   */
  public java.util.List<Frame> framesUntilEof(Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    java.util.List<Frame> frames = new java.util.ArrayList<>();
    try {
      socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
      while (true) {
        Frame frame = readFrame();
        if (frame == null) {
          return frames;
        }
        frames.add(frame);
        if (System.nanoTime() > deadline) {
          throw new AssertionError("connection still open after " + wait + "; frames so far: " + frames);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (AssertionError e) {
      throw new AssertionError("connection still open after " + wait + "; frames so far: " + frames, e);
    }
  }

  /** Reads and discards everything until the server ends the connection; fails if it takes longer than {@code wait}. */
  public void awaitEof(Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    byte[] sink = new byte[64 * 1024];
    try {
      while (System.nanoTime() < deadline) {
        try {
          if (in.read(sink) < 0) {
            return;
          }
        } catch (SocketTimeoutException e) {
          // keep waiting until the deadline
        }
      }
    } catch (IOException e) {
      return; // reset by the server: ended too
    }
    throw new AssertionError("connection still open after " + wait);
  }

  /** Shrinks the receive buffer and read timeout, e.g. for a client that never reads. */
  public void setReadTimeout(Duration timeout) {
    try {
      socket.setSoTimeout((int) timeout.toMillis());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
