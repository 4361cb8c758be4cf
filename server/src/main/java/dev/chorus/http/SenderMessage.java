package dev.chorus.http;

import dev.chorus.chat.ChatRules;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The body {@code {"sender":"ops","message":"..."}} of the admin API's publishing calls: a sender that
 * follows the clients' name rules and a message within their length limit.
 */
record SenderMessage(String sender, String message) {

  /** The request's body, or null after answering 400 with what is wrong. */
  static SenderMessage of(RoutingContext ctx, ChatRules rules) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    Object sender = body == null ? null : body.getValue("sender");
    Object message = body == null ? null : body.getValue("message");
    if (!(sender instanceof String name) || name.isEmpty() || !(message instanceof String text)) {
      JsonResponse.error(ctx, 400, "body must be {\"sender\":\"<non-empty>\",\"message\":\"<text>\"}");
      return null;
    }
    if (!rules.isValidName(name)) {
      JsonResponse.error(ctx, 400, "sender must follow the name rules (limits.maxNameChars, no control characters)");
      return null;
    }
    if (!rules.fitsLength(text)) {
      JsonResponse.error(ctx, 400, "message must be at most limits.maxChatChars characters, without U+0000");
      return null;
    }
    return new SenderMessage(name, text);
  }
}
