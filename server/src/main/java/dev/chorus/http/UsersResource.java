package dev.chorus.http;

import dev.chorus.auth.Identity;
import dev.chorus.chat.ChatRules;
import dev.chorus.protocol.CloseCode;
import dev.chorus.protocol.MessageCodec;
import dev.chorus.protocol.ServerMessage;
import dev.chorus.users.UserDirectory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user's connections across the cluster ({@link UserDirectory}):
 * <ul>
 *   <li>POST /api/users/{user}/messages {@code {"sender":"ops","message":"..."}}: 202 {@code {"user","connections"}};
 *       each connection gets {@code {"type":"direct","sender":...,"message":...,"ts":...}}</li>
 *   <li>GET /api/users/{user}: 200 {@code {"user","connections","rooms"}}, 404 when it has no connection</li>
 *   <li>DELETE /api/users/{user}/connections: 200 {@code {"user","closed"}}; each is closed with 4001</li>
 * </ul>
 * The user is a token's {@code sub} with JWT on ({@link Identity#isValidUser}), else a name by the clients'
 * name rules; the sender follows the name rules, the message the chat length limit.
 */
final class UsersResource {

  private static final Logger LOG = LoggerFactory.getLogger(UsersResource.class);

  private final ChatRules rules;
  private final UserDirectory users;
  private final boolean usersAreSubs;

  /** {@code usersAreSubs}: JWT is on. */
  UsersResource(ChatRules rules, UserDirectory users, boolean usersAreSubs) {
    this.rules = rules;
    this.users = users;
    this.usersAreSubs = usersAreSubs;
  }

  void message(RoutingContext ctx) {
    String user = user(ctx);
    if (user == null) {
      return;
    }
    SenderMessage body = SenderMessage.of(ctx, rules);
    if (body == null) {
      return;
    }
    byte[] direct = MessageCodec.encode(new ServerMessage.Direct(body.sender(), body.message(),
      System.currentTimeMillis()));
    JsonResponse.when(ctx, users.send(user, direct).map(connections ->
      new JsonObject().put("user", user).put("connections", connections)), 202);
  }

  void lookup(RoutingContext ctx) {
    String user = user(ctx);
    if (user == null) {
      return;
    }
    users.lookup(user).onComplete(found -> {
      if (found.failed()) {
        JsonResponse.unavailable(ctx, found.cause());
      } else if (found.result().connections() == 0) {
        JsonResponse.error(ctx, 404, "user '" + user + "' has no connection");
      } else {
        JsonResponse.send(ctx, 200, new JsonObject().put("user", user).put("connections", found.result().connections())
          .put("rooms", new JsonArray(found.result().rooms())));
      }
    });
  }

  void disconnect(RoutingContext ctx) {
    String user = user(ctx);
    if (user == null) {
      return;
    }
    JsonResponse.when(ctx, users.disconnect(user, CloseCode.DISCONNECTED_BY_SERVER).map(closed -> {
      LOG.info("Admin API disconnected user '{}': {} connection(s) closed with 4001", user, closed);
      return new JsonObject().put("user", user).put("closed", closed);
    }), 200);
  }

  /** The path's user, or null after answering 400. */
  private String user(RoutingContext ctx) {
    String user = ctx.pathParam("user");
    if (usersAreSubs ? !Identity.isValidUser(user) : !rules.isValidName(user)) {
      JsonResponse.error(ctx, 400, usersAreSubs ? "users are token subs (1-" + Identity.MAX_USER_CHARS
        + " characters, no control characters)" : "user names follow the name rules (limits.maxNameChars, no control "
        + "characters)");
      return null;
    }
    return user;
  }
}
