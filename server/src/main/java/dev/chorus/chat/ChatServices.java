package dev.chorus.chat;

import dev.chorus.auth.JwtAuthenticator;
import dev.chorus.config.Settings;
import dev.chorus.hub.LocalHub;
import dev.chorus.metrics.ChorusMetrics;
import dev.chorus.presence.Presence;

/**
 * What the chat connections of one event loop use: its hub (local fan-out), the cluster-wide publisher and
 * presence, the chat rules and limits, what rooms allow, the JWT verifier ({@code jwt} null when JWT is off),
 * and the node's metrics.
 */
public record ChatServices(LocalHub hub, RoomPublisher publisher, Presence presence, ChatRules rules,
                           Settings.Limits limits, RoomAccess access, JwtAuthenticator jwt, ChorusMetrics metrics) {
}
