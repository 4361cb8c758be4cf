package dev.chorus.http;

import dev.chorus.chat.ChatRules;
import dev.chorus.chat.RoomPublisher;
import dev.chorus.config.Settings;
import dev.chorus.history.RoomHistory;
import dev.chorus.presence.Presence;
import dev.chorus.users.UserDirectory;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The admin HTTP API under /api, for operators and integrations, behind {@link AdminAuth}:
 * <ul>
 *   <li>POST /api/rooms/{room}/messages ({@link MessagesResource})</li>
 *   <li>GET /api/rooms and GET /api/rooms/{room}/members ({@link RoomsResource})</li>
 *   <li>GET /api/rooms/{room}/history ({@link HistoryResource})</li>
 *   <li>POST /api/users/{user}/messages, GET /api/users/{user}, DELETE /api/users/{user}/connections
 *       ({@link UsersResource})</li>
 * </ul>
 * Errors are {@code {"error":"..."}}; 503 when the cluster cannot answer.
 */
public final class AdminApi {

  /** Path prefix of the API. */
  public static final String PREFIX = "/api";

  private AdminApi() {
  }

  /**
   * Adds the API's routes to {@code router} behind {@code auth}; {@code maxBodyBytes} bounds a request body;
   * {@code usersAreSubs}: JWT is on, and users are tokens' subs.
   */
  static void mount(Router router, AdminAuth auth, ChatRules rules, Settings.Rooms roomOptions,
                           int maxBodyBytes, RoomPublisher publisher, RoomHistory history, Presence presence,
                           UserDirectory users, boolean usersAreSubs) {
    MessagesResource messages = new MessagesResource(rules, roomOptions, publisher);
    RoomsResource rooms = new RoomsResource(presence, roomOptions);
    HistoryResource historyResource = new HistoryResource(history, roomOptions);
    router.route(PREFIX + "/*").handler(auth);
    router.post(PREFIX + "/rooms/:room/messages").handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
      .handler(messages::publish);
    router.get(PREFIX + "/rooms").handler(rooms::rooms);
    router.get(PREFIX + "/rooms/:room/members").handler(rooms::members);
    router.get(PREFIX + "/rooms/:room/history").handler(historyResource::read);
    UsersResource userResource = new UsersResource(rules, users, usersAreSubs);
    router.post(PREFIX + "/users/:user/messages").handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
      .handler(userResource::message);
    router.get(PREFIX + "/users/:user").handler(userResource::lookup);
    router.delete(PREFIX + "/users/:user/connections").handler(userResource::disconnect);
  }
}
