package dev.chorus.node;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node's own JVM tuning, each case in a JVM of its own (it changes process-wide flags): what it sets
 * under G1, that flags given on the command line stay the operator's, and that 0 or another collector
 * leave the JVM alone.
 */
class HeapReturnTest {

  private static final String FLAGS = "G1PeriodicGCInterval MinHeapFreeRatio MaxHeapFreeRatio";

  /** Applies HeapReturn with the seconds in args[0], then prints the flags and the log on stdout. */
  public static void main(String[] args) {
    HeapReturn.apply(Integer.parseInt(args[0]));
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    StringBuilder out = new StringBuilder("flags:");
    for (String flag : FLAGS.split(" ")) {
      out.append(' ').append(flag).append('=').append(vm.getVMOption(flag).getValue());
    }
    System.out.println(out);
  }

  private static String run(int seconds, String... jvmFlags) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(jvmFlags));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), HeapReturnTest.class.getName(),
      Integer.toString(seconds)));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe JVM exits");
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, process.exitValue(), out);
      return out;
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void underG1TheNodeCollectsAnIdleHeapAndKeepsLittleOfItFree() throws Exception {
    String out = run(7, "-XX:+UseG1GC");
    assertTrue(out.contains("flags: G1PeriodicGCInterval=7000 MinHeapFreeRatio=5 MaxHeapFreeRatio=10"), out);
    assertTrue(out.contains("Heap: idle memory returned to the system every 7 s"), out);
  }

  @Test
  void flagsGivenOnTheCommandLineStayTheOperators() throws Exception {
    String out = run(7, "-XX:+UseG1GC", "-XX:MinHeapFreeRatio=20", "-XX:MaxHeapFreeRatio=50",
      "-XX:G1PeriodicGCInterval=60000");
    assertTrue(out.contains("flags: G1PeriodicGCInterval=60000 MinHeapFreeRatio=20 MaxHeapFreeRatio=50"), out);
  }

  @Test
  void zeroSecondsLeavesTheJvmsDefaults() throws Exception {
    String out = run(0, "-XX:+UseG1GC");
    assertTrue(out.contains("flags: G1PeriodicGCInterval=0 MinHeapFreeRatio=40 MaxHeapFreeRatio=70"), out);
    assertTrue(out.contains("Heap: left to the JVM's defaults"), out);
  }

  @Test
  void anotherCollectorKeepsItsFlags() throws Exception {
    String out = run(7, "-XX:+UseSerialGC");
    assertTrue(out.contains("MinHeapFreeRatio=40 MaxHeapFreeRatio=70"), out);
    assertTrue(out.contains("another collector than G1"), out);
  }

  /** The periodic collection's interval, check by check (every 10 s): committed MiB and collections so far. */
  @Test
  void periodicCollectionsBackOffWhileTheyReturnNothing() {
    long mib = 1L << 20;
    HeapReturn.Periodic periodic = new HeapReturn.Periodic(null, 10_000);
    assertNull(periodic.next(300 * mib, 5), "the first check keeps the base interval");
    assertNull(periodic.next(400 * mib, 60), "busy: the base interval");
    assertNull(periodic.next(400 * mib, 60), "quiet, no collection yet: waits for the periodic cycle");
    assertNull(periodic.next(120 * mib, 61), "a cycle returned memory: the base interval");
    assertEquals(20_000L, periodic.next(120 * mib, 62), "the next returned nothing: twice the interval");
    assertNull(periodic.next(120 * mib, 62), "no collection: unchanged");
    assertEquals(40_000L, periodic.next(120 * mib, 63), "nothing returned again: doubled again");
    for (int cycle = 0; cycle < 10; cycle++) {
      periodic.next(120 * mib, 64 + cycle);
    }
    assertEquals(600_000L, periodic.intervalMillis(), "at most 10 minutes");
    assertEquals(10_000L, periodic.next(250 * mib, 120), "busy again: the base interval");
  }
}
