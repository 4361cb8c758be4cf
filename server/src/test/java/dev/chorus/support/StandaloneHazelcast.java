package dev.chorus.support;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.chorus.history.HazelcastRoomHistory;
import dev.chorus.presence.HazelcastPresence;

import java.util.Map;
import java.util.UUID;

/**
 * A real Hazelcast member on its own (a unique cluster name, no join, loopback only) configured for Chorus's
 * history and presence: the cluster store of unit tests that run without a node.
 */
public final class StandaloneHazelcast {

  private StandaloneHazelcast() {
  }

  /** Starts a member whose rooms retain {@code historySize} messages; shut it down after the test. */
  public static HazelcastInstance start(int historySize) {
    Config config = new Config().setClusterName("chorus-standalone-" + UUID.randomUUID());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.getNetworkConfig().setPortAutoIncrement(true).getJoin().getMulticastConfig().setEnabled(false);
    config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    HazelcastRoomHistory.configure(config, historySize, Map.of());
    HazelcastPresence.configure(config);
    return Hazelcast.newHazelcastInstance(config);
  }
}
