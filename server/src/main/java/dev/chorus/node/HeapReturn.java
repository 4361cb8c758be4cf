package dev.chorus.node;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Gives the heap a node no longer uses back to the operating system, so that its resident memory follows
 * its connections down after a burst instead of staying at the burst's high-water mark. A node started with
 * {@code java -jar} runs G1 with the JVM's defaults, which keep up to 70% of the heap free and never
 * collect a heap that stops allocating: after 15,000 clients connect, an idle node keeps 9-10 KiB of
 * resident memory per connection, a third of it live (docs/performance.md, round 3).
 * <p>With server.memoryReturnSeconds above 0, the process tunes its own JVM once at start, through the
 * three flags HotSpot lets a running JVM change (JEP 346, "promptly return unused committed memory"):
 * <ul>
 *   <li>{@code G1PeriodicGCInterval}: a heap with no collection for that long gets a concurrent cycle, after
 *   which G1 uncommits what it does not need. A busy node collects anyway and never gets one; an idle one
 *   gets one per interval, a few tens of milliseconds of one GC thread for 15,000 connections;</li>
 *   <li>{@code MinHeapFreeRatio} 5 and {@code MaxHeapFreeRatio} 10: what such a cycle keeps free. The young
 *   generation still grows with the allocation rate between cycles.</li>
 * </ul>
 * The native heap too: glibc's malloc keeps what the JIT's compiler arenas, class loading and direct buffers
 * freed, 20-40 MB after a burst of connections, and its share differs from run to run. Every interval a
 * daemon thread asks the JVM to trim it ({@code System.trim_native_heap}, what JDK 21's
 * {@code TrimNativeHeapInterval} does; a few milliseconds).
 * <p>A flag given on the command line is the operator's and is left alone, as is every flag under another
 * collector. Only {@code Main} applies it: nodes that share a JVM (the tests) leave the JVM as they found it.
 */
public final class HeapReturn {

  private static final Logger LOG = LoggerFactory.getLogger(HeapReturn.class);

  private static final long MIN_FREE_PERCENT = 5;
  private static final long MAX_FREE_PERCENT = 10;

  private HeapReturn() {
  }

  /**
   * Tunes this JVM to return idle heap after {@code seconds} without a collection (0: leave it alone) and
   * logs what it did in one line. Never fails the start: a JVM without the management interface keeps its
   * defaults.
   */
  public static void apply(int seconds) {
    if (seconds == 0) {
      LOG.info("Heap: left to the JVM's defaults (server.memoryReturnSeconds is 0)");
      return;
    }
    try {
      HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      List<String> set = new ArrayList<>();
      if (trimsNativeHeap(vm, seconds)) {
        set.add("native heap trimmed");
      }
      boolean g1 = Boolean.parseBoolean(vm.getVMOption("UseG1GC").getValue());
      if (g1 && isDefault(vm, "MinHeapFreeRatio") && isDefault(vm, "MaxHeapFreeRatio")) {
        // Min first: MaxHeapFreeRatio may never go below it.
        vm.setVMOption("MinHeapFreeRatio", Long.toString(MIN_FREE_PERCENT));
        vm.setVMOption("MaxHeapFreeRatio", Long.toString(MAX_FREE_PERCENT));
        set.add("MinHeapFreeRatio=" + MIN_FREE_PERCENT);
        set.add("MaxHeapFreeRatio=" + MAX_FREE_PERCENT);
      }
      if (g1 && isDefault(vm, "G1PeriodicGCInterval")) {
        vm.setVMOption("G1PeriodicGCInterval", Long.toString(seconds * 1000L));
        set.add("G1PeriodicGCInterval=" + seconds * 1000L);
      }
      String kept = g1 ? "the flags given on the command line" : "another collector than G1";
      LOG.info(set.isEmpty() ? "Heap: left to " + kept
        : "Heap: idle memory returned to the system every " + seconds + " s (" + String.join(", ", set) + ")"
          + (g1 ? "" : "; heap flags left to " + kept));
    } catch (RuntimeException | LinkageError e) {
      LOG.info("Heap: left to the JVM's defaults (its flags cannot be changed here: {})", e.toString());
    }
  }

  /**
   * Starts trimming the native heap every {@code seconds} on a daemon thread; false when this JVM has no
   * such command (before 17.0.9, or not glibc) or the operator trims it already.
   */
  private static boolean trimsNativeHeap(HotSpotDiagnosticMXBean vm, int seconds) {
    try {
      if (!"0".equals(vm.getVMOption("TrimNativeHeapInterval").getValue())) {
        return false;
      }
    } catch (IllegalArgumentException noSuchFlag) {
      // An older JVM: the command below says whether it can trim.
    }
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName diagnostics;
    try {
      diagnostics = new ObjectName("com.sun.management:type=DiagnosticCommand");
      if (!trim(server, diagnostics).startsWith("Trim native heap")) {
        return false;
      }
    } catch (JMException | RuntimeException e) {
      return false;
    }
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "chorus-heap-return");
      thread.setDaemon(true);
      return thread;
    });
    timer.scheduleWithFixedDelay(() -> {
      try {
        trim(server, diagnostics);
      } catch (JMException | RuntimeException e) {
        // The next interval tries again; nothing is lost but memory not yet returned.
      }
    }, seconds, seconds, TimeUnit.SECONDS);
    return true;
  }

  private static String trim(MBeanServer server, ObjectName diagnostics) throws JMException {
    Object answer = server.invoke(diagnostics, "systemTrimNativeHeap", new Object[] {new String[0]},
      new String[] {String[].class.getName()});
    return String.valueOf(answer);
  }

  private static boolean isDefault(HotSpotDiagnosticMXBean vm, String flag) {
    VMOption option = vm.getVMOption(flag);
    return option.getOrigin() == VMOption.Origin.DEFAULT || option.getOrigin() == VMOption.Origin.ERGONOMIC;
  }
}
