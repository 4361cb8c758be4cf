package dev.chorus.chat;

import dev.chorus.broker.Broker;
import dev.chorus.hub.LocalHub;
import dev.chorus.hub.TextFrames;
import dev.chorus.metrics.ChorusMetrics;
import dev.chorus.protocol.ChatError;
import dev.chorus.protocol.ClientMessage;
import dev.chorus.protocol.CloseCode;
import dev.chorus.protocol.MessageCodec;
import dev.chorus.protocol.ProtocolException;
import dev.chorus.protocol.ServerMessage;
import io.vertx.core.http.ServerWebSocket;

import java.util.Locale;

/**
 * One /chat connection, from upgrade to close: join, chat, leave. It receives the room's broadcasts from
 * the moment it connects (as the seed's server does), may chat once joined, and its leaving is announced
 * if it had joined. Runs on its socket's event loop.
 */
public final class ChatSession {

  /** The room of the seed protocol, which has no rooms. */
  public static final String LOBBY = "lobby";

  private final ServerWebSocket socket;
  private final LocalHub hub;
  private final Broker broker;
  private final ChorusMetrics metrics;
  private String name;

  private ChatSession(ServerWebSocket socket, LocalHub hub, Broker broker, ChorusMetrics metrics) {
    this.socket = socket;
    this.hub = hub;
    this.broker = broker;
    this.metrics = metrics;
  }

  /** Attaches a session to a freshly accepted socket. */
  public static void attach(ServerWebSocket socket, LocalHub hub, Broker broker, ChorusMetrics metrics) {
    ChatSession session = new ChatSession(socket, hub, broker, metrics);
    hub.add(LOBBY, socket);
    socket.textMessageHandler(session::onText);
    socket.binaryMessageHandler(data -> {
      metrics.error("unsupported_data");
      socket.close(CloseCode.UNSUPPORTED_DATA.code(), CloseCode.UNSUPPORTED_DATA.reason());
    });
    socket.closeHandler(v -> session.onClose());
  }

  private void onText(String text) {
    metrics.messageReceived();
    try {
      ClientMessage message = MessageCodec.decode(text);
      if (message instanceof ClientMessage.Join join) {
        onJoin(join);
      } else if (message instanceof ClientMessage.Chat chat) {
        onChat(chat);
      }
    } catch (ProtocolException e) {
      reply(e.error());
    }
  }

  private void onJoin(ClientMessage.Join join) {
    if (name != null) {
      reply(ChatError.ALREADY_JOINED);
      return;
    }
    name = join.name();
    broker.publish(LOBBY, ServerMessage.Status.joined(name));
  }

  private void onChat(ClientMessage.Chat chat) {
    if (name == null) {
      reply(ChatError.INVALID_MESSAGE);
      return;
    }
    broker.publish(LOBBY, new ServerMessage.Chat(name, chat.message()));
  }

  private void onClose() {
    hub.remove(LOBBY, socket);
    if (name != null) {
      broker.publish(LOBBY, ServerMessage.Status.left(name));
    }
  }

  private void reply(ChatError error) {
    metrics.error(error.name().toLowerCase(Locale.ROOT));
    if (!socket.isClosed()) {
      socket.writeFrame(TextFrames.of(error.encoded()));
    }
  }
}
