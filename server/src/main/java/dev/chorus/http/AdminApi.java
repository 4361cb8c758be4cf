package dev.chorus.http;

import dev.chorus.chat.RoomPublisher;
import dev.chorus.config.Settings;
import dev.chorus.guard.NameRules;
import dev.chorus.history.HistoryEntry;
import dev.chorus.history.RoomHistory;
import dev.chorus.presence.Presence;
import dev.chorus.protocol.RoomName;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * The admin HTTP API under /api, for operators and integrations:
 * <ul>
 *   <li>POST /api/rooms/{room}/messages {@code {"sender":"ops","message":"..."}}: publishes a chat message
 *       (sequenced and retained like any other); 201 with its room, seq and ts. The sender follows the
 *       clients' name rules and the message their length limit (limits.maxNameChars, limits.maxChatChars)</li>
 *   <li>GET /api/rooms: rooms with members and their member counts</li>
 *   <li>GET /api/rooms/{room}/members: the room's members, sorted</li>
 *   <li>GET /api/rooms/{room}/history?since=&amp;limit=: retained messages with seq &gt; since (default: the
 *       newest {@code limit}), oldest first; limit 1-1000, default 100</li>
 * </ul>
 * Every call needs {@code Authorization: Bearer <ADMIN_TOKEN>}: 401 when missing or wrong, 403 for every
 * call when no token is configured (the API is off). Errors are {@code {"error":"..."}}.
 */
public final class AdminApi {

  /** Path prefix of the API. */
  public static final String PREFIX = "/api";
  /** Largest and default number of messages a history call returns. */
  static final int MAX_LIMIT = 1000;
  static final int DEFAULT_LIMIT = 100;

  private final byte[] token;
  private final NameRules senders;
  private final int maxChatChars;
  private final RoomPublisher publisher;
  private final RoomHistory history;
  private final Presence presence;

  private AdminApi(Settings.Admin admin, Settings.Limits limits, RoomPublisher publisher, RoomHistory history,
                   Presence presence) {
    this.token = admin.token().getBytes(StandardCharsets.UTF_8);
    this.senders = new NameRules(limits.maxNameChars());
    this.maxChatChars = limits.maxChatChars();
    this.publisher = publisher;
    this.history = history;
    this.presence = presence;
  }

  /** Adds the API's routes to {@code router}; {@code maxBodyBytes} bounds a request body. */
  public static void mount(Router router, Settings.Admin admin, Settings.Limits limits, int maxBodyBytes,
                           RoomPublisher publisher, RoomHistory history, Presence presence) {
    AdminApi api = new AdminApi(admin, limits, publisher, history, presence);
    router.route(PREFIX + "/*").handler(api::authorize);
    router.post(PREFIX + "/rooms/:room/messages").handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
      .handler(api::publish);
    router.get(PREFIX + "/rooms").handler(api::rooms);
    router.get(PREFIX + "/rooms/:room/members").handler(api::members);
    router.get(PREFIX + "/rooms/:room/history").handler(api::history);
  }

  private void authorize(RoutingContext ctx) {
    if (token.length == 0) {
      error(ctx, 403, "the admin API is off: set ADMIN_TOKEN to enable it");
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    byte[] presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
      ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
    if (!MessageDigest.isEqual(token, presented)) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      error(ctx, 401, "missing or wrong bearer token");
      return;
    }
    ctx.next();
  }

  private void publish(RoutingContext ctx) {
    String room = room(ctx);
    if (room == null) {
      return;
    }
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    Object sender = body == null ? null : body.getValue("sender");
    Object message = body == null ? null : body.getValue("message");
    if (!(sender instanceof String name) || name.isEmpty() || !(message instanceof String text)) {
      error(ctx, 400, "body must be {\"sender\":\"<non-empty>\",\"message\":\"<text>\"}");
      return;
    }
    if (!senders.isValid(name)) {
      error(ctx, 400, "sender must follow the name rules (limits.maxNameChars, no control characters)");
      return;
    }
    if (text.codePointCount(0, text.length()) > maxChatChars) {
      error(ctx, 400, "message must be at most limits.maxChatChars characters");
      return;
    }
    respond(ctx, publisher.publishChat(room, name, text).map(chat ->
      new JsonObject().put("room", room).put("seq", chat.seq()).put("ts", chat.ts())), 201);
  }

  private void rooms(RoutingContext ctx) {
    respond(ctx, presence.rooms().map(rooms -> {
      JsonArray list = new JsonArray();
      for (Map.Entry<String, Integer> room : rooms.entrySet()) {
        list.add(new JsonObject().put("room", room.getKey()).put("members", room.getValue()));
      }
      return new JsonObject().put("rooms", list);
    }), 200);
  }

  private void members(RoutingContext ctx) {
    String room = room(ctx);
    if (room != null) {
      respond(ctx, presence.members(room).map(members ->
        new JsonObject().put("room", room).put("members", new JsonArray(members))), 200);
    }
  }

  private void history(RoutingContext ctx) {
    String room = room(ctx);
    if (room == null) {
      return;
    }
    Long since = number(ctx, "since", null, 0, Long.MAX_VALUE);
    Long limit = number(ctx, "limit", (long) DEFAULT_LIMIT, 1, MAX_LIMIT);
    String rawSince = ctx.queryParams().get("since");
    if (limit == null || (since == null && rawSince != null && !rawSince.isEmpty())) {
      error(ctx, 400, "since must be an integer >= 0 and limit 1-" + MAX_LIMIT);
      return;
    }
    Future<Long> from = since != null ? Future.succeededFuture(since)
      : history.lastSeq(room).map(last -> Math.max(0, last - limit));
    respond(ctx, from.compose(after -> history.read(room, after, Long.MAX_VALUE, limit.intValue())).map(entries -> {
      JsonArray messages = new JsonArray();
      for (HistoryEntry entry : entries) {
        messages.add(new JsonObject().put("seq", entry.seq()).put("ts", entry.ts())
          .put("sender", entry.sender()).put("message", entry.message()));
      }
      return new JsonObject().put("room", room).put("messages", messages);
    }), 200);
  }

  /** The path's room, or null after answering 400. */
  private static String room(RoutingContext ctx) {
    String room = ctx.pathParam("room");
    if (!RoomName.isValid(room)) {
      error(ctx, 400, "room names are 1-64 letters, digits, '-', '_' or '.'");
      return null;
    }
    return room;
  }

  /** A query parameter in [min, max], {@code absent} when missing, null when malformed. */
  private static Long number(RoutingContext ctx, String name, Long absent, long min, long max) {
    String value = ctx.queryParams().get(name);
    if (value == null || value.isEmpty()) {
      return absent;
    }
    try {
      long parsed = Long.parseLong(value);
      return parsed < min || parsed > max ? null : parsed;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static void respond(RoutingContext ctx, Future<JsonObject> result, int status) {
    result.onComplete(done -> {
      if (done.succeeded()) {
        json(ctx, status, done.result());
      } else {
        error(ctx, 503, "cluster unavailable: " + done.cause().getMessage());
      }
    });
  }

  private static void error(RoutingContext ctx, int status, String message) {
    json(ctx, status, new JsonObject().put("error", message));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
  }
}
