package dev.chorus.support;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.chorus.history.HazelcastRoomHistory;
import dev.chorus.presence.HazelcastPresence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Real Hazelcast members, on their own or in a cluster of their own (a unique cluster name, loopback only),
 * configured for Chorus's history and presence: the cluster store of unit tests that run without a node.
 */
public final class StandaloneHazelcast {

  private StandaloneHazelcast() {
  }

  /** Starts a member; shut it down after the test. */
  public static HazelcastInstance start() {
    Config config = config("chorus-standalone-" + UUID.randomUUID());
    config.getNetworkConfig().setPortAutoIncrement(true);
    config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(false);
    return Hazelcast.newHazelcastInstance(config);
  }

  /**
   * Starts {@code count} members that form one cluster of their own on free loopback ports, and waits until
   * each sees all; shut them down after the test.
   */
  public static List<HazelcastInstance> startCluster(int count) {
    String name = "chorus-standalone-" + UUID.randomUUID();
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ports.add(FreePorts.next());
    }
    List<HazelcastInstance> members = new ArrayList<>();
    for (int port : ports) {
      Config config = config(name);
      config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
      ports.forEach(member -> config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true)
        .addMember("127.0.0.1:" + member));
      members.add(Hazelcast.newHazelcastInstance(config));
    }
    Await.until(() -> members.stream().allMatch(member -> member.getCluster().getMembers().size() == count),
      Duration.ofSeconds(30), count + " members in one cluster");
    return members;
  }

  private static Config config(String clusterName) {
    Config config = new Config().setClusterName(clusterName);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    HazelcastRoomHistory.configure(config);
    HazelcastPresence.configure(config);
    return config;
  }
}
