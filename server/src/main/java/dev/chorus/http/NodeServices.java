package dev.chorus.http;

import dev.chorus.cluster.MemberDirectory;
import dev.chorus.guard.NodeGuards;
import dev.chorus.history.RoomHistory;
import dev.chorus.metrics.ChorusMetrics;
import dev.chorus.presence.Presence;

/**
 * The node-wide collaborators every {@link ServerVerticle} instance shares: created once per node by
 * {@code ChorusNode}, all thread-safe.
 *
 * @param guards   the connection count and what the limits refused or closed
 * @param history  the cluster's room history
 * @param presence who is in which room, cluster-wide
 * @param members  this node's view of the cluster (GET /api/cluster)
 * @param health   liveness and readiness checks (GET /health, GET /ready)
 * @param metrics  Chorus's own metrics (GET /metrics)
 */
public record NodeServices(NodeGuards guards, RoomHistory history, Presence presence, MemberDirectory members,
                           NodeHealth health, ChorusMetrics metrics) {
}
