package dev.chorus.chat;

import dev.chorus.history.RoomHistory;
import dev.chorus.hub.LocalHub;
import dev.chorus.metrics.ChorusMetrics;
import dev.chorus.presence.Presence;

/**
 * What one verticle's chat sessions share: its hub (local fan-out), the cluster-wide publisher, history,
 * presence, and the node's metrics.
 */
public record ChatRooms(LocalHub hub, RoomPublisher publisher, RoomHistory history, Presence presence,
                        ChorusMetrics metrics) {
}
