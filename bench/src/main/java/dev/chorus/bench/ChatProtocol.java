package dev.chorus.bench;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;

import java.net.URI;
import java.util.Locale;

/**
 * How a bench chat client's messages look on its WebSocket ({@code --protocol}). {@link #CHORUS} is the JSON
 * chat protocol of Chorus, the Node ws peer and the seed's Python server; {@link #SOCKETIO} carries the same
 * messages as Socket.IO events over Engine.IO v4 (the Socket.IO peer). Either way a received message reaches
 * the bench as the frame whose JSON holds it, so the probe in a chat message's text is found the same way.
 */
public enum ChatProtocol {

  CHORUS {
    @Override
    String target(String url) {
      return url;
    }

    @Override
    void attach(WebSocket socket, Handler<Buffer> messages, Runnable ready) {
      socket.handler(messages);
      ready.run();
    }

    @Override
    String frame(String event, String json) {
      return json;
    }
  },

  /**
   * Engine.IO v4 over a raw WebSocket: the server opens with {@code 0{"sid":..}}, the client connects to the
   * namespace "/" with {@code 40} and may emit once the server answered {@code 40{"sid":..}}; events are
   * {@code 42["event",payload]}; the server pings with {@code 2}, the client answers {@code 3}. A refused
   * connect ({@code 44}) leaves the client never ready: it never joins, and fan-out counts what it missed as lost.
   */
  SOCKETIO {
    /** A URL without a path gets Socket.IO's: {@code ws://h:p/socket.io/?EIO=4&transport=websocket}. */
    @Override
    String target(String url) {
      String path = URI.create(url).getRawPath();
      return path == null || path.isEmpty() || path.equals("/")
        ? url.replaceAll("/$", "") + "/socket.io/?EIO=4&transport=websocket" : url;
    }

    @Override
    void attach(WebSocket socket, Handler<Buffer> messages, Runnable ready) {
      socket.handler(frame -> {
        if (frame.length() == 0) {
          return;
        }
        switch (frame.getByte(0)) {
          case '0' -> socket.writeTextMessage("40");
          case '2' -> socket.writeTextMessage("3");
          case '4' -> {
            byte type = frame.length() > 1 ? frame.getByte(1) : 0;
            if (type == '0') {
              ready.run();
            } else if (type == '2') {
              messages.handle(frame);
            }
          }
          default -> { }
        }
      });
    }

    @Override
    String frame(String event, String json) {
      return "42[\"" + event + "\"," + json + "]";
    }
  };

  /** The URL to open for a server at {@code url}. */
  abstract String target(String url);

  /**
   * Takes over {@code socket}'s frames: {@code messages} gets each chat-protocol message, {@code ready} runs
   * on the socket's event loop once the client may send (at once for Chorus, within this call). Protocol
   * frames (handshake, pings) are answered here.
   */
  abstract void attach(WebSocket socket, Handler<Buffer> messages, Runnable ready);

  /** What a client sends over {@code socket}, framed for this protocol. */
  ChatSession session(WebSocket socket) {
    return new ChatSession(socket, this);
  }

  /** The frame that carries chat-protocol message {@code json} of type {@code event}. */
  abstract String frame(String event, String json);

  /** The protocol named by {@code --protocol}: {@code chorus} or {@code socketio}. */
  static ChatProtocol named(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }

  /**
   * What a client sends, framed for its protocol: the chat protocol's JSON, or that JSON as the payload of a
   * Socket.IO event named after its type. Names, rooms and texts are the bench's own and need no escaping.
   * Used on its socket's event loop, like the socket's handler that {@link #attach} installs.
   */
  static final class ChatSession {
    private final WebSocket socket;
    private final ChatProtocol protocol;

    private ChatSession(WebSocket socket, ChatProtocol protocol) {
      this.socket = socket;
      this.protocol = protocol;
    }

    void join(String name, String room) {
      send("join", String.format(Locale.ROOT, "{\"type\":\"join\",\"name\":\"%s\",\"room\":\"%s\"}", name, room));
    }

    void chat(String text) {
      send("chat", "{\"type\":\"chat\",\"message\":\"" + text + "\"}");
    }

    private void send(String event, String json) {
      socket.writeTextMessage(protocol.frame(event, json));
    }
  }
}
