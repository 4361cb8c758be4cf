package dev.chorus.chat;

import dev.chorus.auth.JwtAuthenticator;
import dev.chorus.config.Settings;
import dev.chorus.hub.LocalHub;
import dev.chorus.metrics.ChorusMetrics;
import dev.chorus.presence.Presence;
import dev.chorus.users.UserDirectory;
import io.vertx.core.Vertx;

/**
 * What the chat connections of one event loop use: its Vert.x (timers), its hub (local fan-out), the
 * cluster-wide publisher and presence, the node's users, the chat rules and limits, what rooms allow, the JWT
 * verifier ({@code jwt} null when JWT is off), and the node's metrics.
 */
public record ChatServices(Vertx vertx, LocalHub hub, RoomPublisher publisher, Presence presence, UserDirectory users,
                           ChatRules rules, Settings.Limits limits, RoomAccess access, JwtAuthenticator jwt,
                           ChorusMetrics metrics) {
}
