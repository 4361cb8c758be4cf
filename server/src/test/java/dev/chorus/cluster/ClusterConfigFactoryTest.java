package dev.chorus.cluster;

import com.hazelcast.config.Config;
import dev.chorus.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterConfigFactoryTest {

  @TempDir
  Path emptyDir;

  @Test
  void settingsOverrideThePackagedClusterXml() {
    Settings.Cluster cluster = new Settings.Cluster("blue", "127.0.0.1", 5801, List.of("127.0.0.1:5701"), 0, "", "");
    Config config = ClusterConfigFactory.create(cluster, emptyDir);
    assertEquals("blue", config.getClusterName());
    assertEquals(5801, config.getNetworkConfig().getPort());
    assertFalse(config.getNetworkConfig().isPortAutoIncrement());
    assertFalse(config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled());
    assertTrue(config.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled());
    assertEquals(List.of("127.0.0.1:5701"), config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
    assertEquals("127.0.0.1", config.getProperty("hazelcast.local.localAddress"));
    assertEquals("0", config.getProperty("hazelcast.wait.seconds.before.join"));
    assertNotNull(config.getMultiMapConfigs().get("__vertx.subs"), "the Vert.x subscription multimap is configured");
  }

  @Test
  void withoutMembersTheNodeIsAlone() {
    Settings.Cluster cluster = new Settings.Cluster("solo", "127.0.0.1", 5901, List.of(), 0, "", "");
    Config config = ClusterConfigFactory.create(cluster, emptyDir);
    assertEquals(List.of("127.0.0.1:5901"), config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
  }
}
