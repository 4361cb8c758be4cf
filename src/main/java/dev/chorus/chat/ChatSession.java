package dev.chorus.chat;

import dev.chorus.broker.Broker;
import dev.chorus.guard.ConnectionGuard;
import dev.chorus.hub.LocalHub;
import dev.chorus.hub.TextFrames;
import dev.chorus.protocol.ChatError;
import dev.chorus.protocol.ClientMessage;
import dev.chorus.protocol.CloseCode;
import dev.chorus.protocol.MessageCodec;
import dev.chorus.protocol.ProtocolException;
import dev.chorus.protocol.ServerMessage;
import io.vertx.core.http.ServerWebSocket;

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
  private final ConnectionGuard guard;
  private String name;

  private ChatSession(ServerWebSocket socket, LocalHub hub, Broker broker, ConnectionGuard guard) {
    this.socket = socket;
    this.hub = hub;
    this.broker = broker;
    this.guard = guard;
  }

  /** Attaches a session to a freshly accepted socket, within the limits of {@code guard}. */
  public static void attach(ServerWebSocket socket, LocalHub hub, Broker broker, ConnectionGuard guard) {
    ChatSession session = new ChatSession(socket, hub, broker, guard);
    hub.add(LOBBY, socket);
    socket.textMessageHandler(session::onText);
    socket.binaryMessageHandler(data -> socket.close(CloseCode.UNSUPPORTED_DATA.code(), CloseCode.UNSUPPORTED_DATA.reason()));
    socket.closeHandler(v -> session.onClose());
    guard.start();
  }

  private void onText(String text) {
    if (!guard.admit()) {
      return;
    }
    try {
      ClientMessage message = MessageCodec.decode(text);
      if (message instanceof ClientMessage.Auth auth) {
        guard.authenticate(auth.token());
        return;
      }
      guard.requireAuthenticated();
      if (message instanceof ClientMessage.Join join) {
        onJoin(join);
      } else if (message instanceof ClientMessage.Chat chat) {
        onChat(chat);
      }
    } catch (ProtocolException e) {
      reply(e.error());
    }
  }

  private void onJoin(ClientMessage.Join join) throws ProtocolException {
    if (name != null) {
      reply(ChatError.ALREADY_JOINED);
      return;
    }
    name = guard.nameFor(join.name());
    broker.publish(LOBBY, ServerMessage.Status.joined(name));
  }

  private void onChat(ClientMessage.Chat chat) throws ProtocolException {
    if (name == null) {
      reply(ChatError.INVALID_MESSAGE);
      return;
    }
    guard.checkChat(chat.message());
    broker.publish(LOBBY, new ServerMessage.Chat(name, chat.message()));
  }

  private void onClose() {
    hub.remove(LOBBY, socket);
    if (name != null) {
      broker.publish(LOBBY, ServerMessage.Status.left(name));
    }
  }

  private void reply(ChatError error) {
    if (!socket.isClosed()) {
      socket.writeFrame(TextFrames.of(error.encoded()));
    }
  }
}
