package dev.chorus.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A private network of "hosts" for multi-host tests: one Linux network namespace per host, each with a veth
 * pair whose other end sits on a bridge in the root namespace. The root namespace gets the bridge's address
 * (.1), so the test reaches every host directly; host i has address .(10+i) on a /24 of 10.213.0.0/16
 * chosen at random among those not routed yet. Names carry a random suffix so concurrent runs never clash.
 * <p>Needs root and iproute2. {@link #close()} deletes everything it created, and a shutdown hook does the
 * same if the test JVM is stopped before.
 */
public final class NetNamespaces implements AutoCloseable {

  private final String suffix;
  private final String subnetPrefix;
  private final String bridge;
  private final List<String> namespaces = new ArrayList<>();
  private final Thread cleanupHook = new Thread(this::deleteAll, "netns-cleanup");
  private boolean closed;

  private NetNamespaces(String suffix, String subnetPrefix) {
    this.suffix = suffix;
    this.subnetPrefix = subnetPrefix;
    this.bridge = "chbr" + suffix;
  }

  /**
   * Why namespaces cannot be used here, or null when they can: needs uid 0 and a working
   * {@code ip netns add}.
   */
  public static String unavailableReason() {
    try {
      Result id = run(List.of("id", "-u"));
      if (id.status() != 0 || !id.output().strip().equals("0")) {
        return "not root (id -u = " + id.output().strip() + ")";
      }
      String probe = "chorus-probe-" + randomSuffix();
      Result add = run(List.of("ip", "netns", "add", probe));
      if (add.status() != 0) {
        return "`ip netns add` failed: " + add.output().strip();
      }
      run(List.of("ip", "netns", "delete", probe));
      return null;
    } catch (IOException e) {
      return "cannot run id/ip: " + e.getMessage();
    }
  }

  /** Creates the bridge and {@code hosts} namespaces, each with its address and link up. */
  public static NetNamespaces create(int hosts) {
    NetNamespaces network = new NetNamespaces(randomSuffix(), freeSubnetPrefix());
    Runtime.getRuntime().addShutdownHook(network.cleanupHook);
    try {
      network.ip("link", "add", network.bridge, "type", "bridge");
      network.ip("addr", "add", network.subnetPrefix + "1/24", "dev", network.bridge);
      network.ip("link", "set", network.bridge, "up");
      for (int host = 1; host <= hosts; host++) {
        network.addHost(host);
      }
      return network;
    } catch (RuntimeException e) {
      network.close();
      throw e;
    }
  }

  private void addHost(int host) {
    String ns = namespace(host);
    String outer = "chv" + suffix + host;
    String inner = "chp" + suffix + host;
    ip("netns", "add", ns);
    namespaces.add(ns);
    ip("link", "add", outer, "type", "veth", "peer", "name", inner);
    ip("link", "set", inner, "netns", ns);
    ip("link", "set", outer, "master", bridge);
    ip("link", "set", outer, "up");
    ip("-n", ns, "addr", "add", address(host) + "/24", "dev", inner);
    ip("-n", ns, "link", "set", inner, "up");
    ip("-n", ns, "link", "set", "lo", "up");
  }

  /** The namespace of host {@code host} (1-based). */
  public String namespace(int host) {
    return "chorus-" + suffix + "-" + host;
  }

  /** The address of host {@code host} (1-based). */
  public String address(int host) {
    return subnetPrefix + (10 + host);
  }

  /** The address of the bridge in the test's own namespace: the hosts reach the test's servers on it. */
  public String gatewayAddress() {
    return subnetPrefix + "1";
  }

  /** The first three octets of the hosts' addresses, with the trailing dot: {@code 10.213.x.}. */
  public String subnetPrefix() {
    return subnetPrefix;
  }

  /** The command prefix that runs a program on host {@code host}. */
  public List<String> exec(int host) {
    return List.of("ip", "netns", "exec", namespace(host));
  }

  /**
   * The body of GET http://127.0.0.1:port/path from inside host {@code host}'s namespace (so it works while
   * the host is cut off), or null when nothing answers 200. Uses bash's /dev/tcp: no HTTP client needed.
   */
  public String httpGetInside(int host, int port, String path) {
    String script = "exec 3<>/dev/tcp/127.0.0.1/" + port + " && printf 'GET " + path
      + " HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && timeout 5 cat <&3";
    try {
      List<String> command = new ArrayList<>(exec(host));
      command.addAll(List.of("bash", "-c", script));
      Result result = run(command);
      String response = result.output();
      int body = response.indexOf("\r\n\r\n");
      if (result.status() != 0 || !response.startsWith("HTTP/1.") || !response.contains(" 200 ") || body < 0) {
        return null;
      }
      return response.substring(body + 4);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * POSTs {@code json} to http://127.0.0.1:port/path from inside host {@code host}'s namespace with a bearer
   * token, and returns the response's status (0 when nothing answered).
   */
  public int httpPostInside(int host, int port, String path, String token, String json) {
    String request = "POST " + path + " HTTP/1.0\r\nHost: localhost\r\nAuthorization: Bearer " + token
      + "\r\nContent-Type: application/json\r\nContent-Length: " + json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
      + "\r\n\r\n" + json;
    String script = "exec 3<>/dev/tcp/127.0.0.1/" + port + " && printf '%s' \"$REQUEST\" >&3 && timeout 5 cat <&3";
    try {
      List<String> command = new ArrayList<>(List.of("env", "REQUEST=" + request));
      command.addAll(exec(host));
      command.addAll(List.of("bash", "-c", script));
      Result result = run(command);
      String response = result.output();
      if (!response.startsWith("HTTP/1.")) {
        return 0;
      }
      return Integer.parseInt(response.substring(9, 12));
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Cuts host {@code host} off the network: its bridge port goes down, nothing reaches it or leaves it. */
  public void cut(int host) {
    ip("link", "set", "chv" + suffix + host, "down");
  }

  /** Reconnects a host cut off by {@link #cut}. */
  public void heal(int host) {
    ip("link", "set", "chv" + suffix + host, "up");
  }

  @Override
  public synchronized void close() {
    deleteAll();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanupHook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or about to: it finds nothing left to delete.
    }
  }

  private synchronized void deleteAll() {
    if (closed) {
      return;
    }
    closed = true;
    for (String ns : namespaces) {
      quietly(List.of("ip", "netns", "delete", ns));
    }
    quietly(List.of("ip", "link", "delete", bridge));
  }

  private void ip(String... args) {
    List<String> command = new ArrayList<>();
    command.add("ip");
    command.addAll(List.of(args));
    try {
      Result result = run(command);
      if (result.status() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + result.output().strip());
      }
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", command) + " failed", e);
    }
  }

  private static void quietly(List<String> command) {
    try {
      run(command);
    } catch (IOException ignored) {
      // Cleanup goes on with the next item.
    }
  }

  private static String freeSubnetPrefix() {
    try {
      String routes = run(List.of("ip", "-4", "route", "show")).output();
      for (int attempt = 0; attempt < 50; attempt++) {
        String prefix = "10.213." + ThreadLocalRandom.current().nextInt(1, 255) + ".";
        if (!routes.contains(prefix)) {
          return prefix;
        }
      }
      throw new IllegalStateException("no free 10.213.x.0/24 subnet:\n" + routes);
    } catch (IOException e) {
      throw new IllegalStateException("cannot list routes", e);
    }
  }

  private static String randomSuffix() {
    return Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000)).toLowerCase(Locale.ROOT);
  }

  private record Result(int status, String output) {
  }

  private static Result run(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(-1, String.join(" ", command) + " timed out");
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Result(process.exitValue(), output);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return new Result(-1, "interrupted");
    }
  }
}
