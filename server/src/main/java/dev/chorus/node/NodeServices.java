package dev.chorus.node;

import dev.chorus.cluster.ClusterBus;
import dev.chorus.cluster.MemberDirectory;
import dev.chorus.admission.ClientAddresses;
import dev.chorus.admission.FailureLimiter;
import dev.chorus.admission.UpgradePolicy;
import dev.chorus.history.RoomHistory;
import dev.chorus.metrics.ChorusMetrics;
import dev.chorus.presence.Presence;
import dev.chorus.users.UserDirectory;
import dev.chorus.webhooks.ApplicationProxy;
import dev.chorus.webhooks.WebhookEvents;

/**
 * The node-wide collaborators every server verticle instance shares: created once per node by
 * {@code ChorusNode}, all thread-safe.
 *
 * @param upgrades which WebSocket upgrades may proceed, and the node's count of open WebSockets
 * @param history  the cluster's room history
 * @param presence who is in which room, cluster-wide
 * @param users    this node's connections by user, and the cluster-wide calls on a user
 * @param webhooks what happens in rooms, for the application (off: {@link WebhookEvents#OFF})
 * @param proxy    the application's join and publish proxies (none: {@link ApplicationProxy#OFF})
 * @param bus      the node's messages to and from other nodes, sealed with the cluster secret
 * @param members  this node's view of the cluster (GET /api/cluster)
 * @param health   liveness and readiness checks (GET /health, GET /ready)
 * @param metrics  Chorus's own metrics (GET /metrics)
 * @param clients  who a connection's client is (server.trustedProxies)
 * @param adminFailures failed admin API authentications per client address
 */
public record NodeServices(UpgradePolicy upgrades, RoomHistory history, Presence presence, UserDirectory users,
                           WebhookEvents webhooks, ApplicationProxy proxy, ClusterBus bus,
                           MemberDirectory members,
                           NodeHealth health, ChorusMetrics metrics, ClientAddresses clients,
                           FailureLimiter adminFailures) {
}
