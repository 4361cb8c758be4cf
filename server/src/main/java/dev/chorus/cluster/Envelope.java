package dev.chorus.cluster;

import java.util.Map;

/**
 * What one event-bus message between nodes carries: a few headers (names and values of at most 255 and
 * 65535 UTF-8 bytes) and a body. {@link ClusterBus} seals headers and body together, so headers may carry
 * names (rooms, users) that must not cross the network in the clear. Immutable by contract: the body array
 * is shared, never changed after construction.
 *
 * @param headers the headers, at most 255
 * @param body    the body bytes, often UTF-8 JSON
 */
public record Envelope(Map<String, String> headers, byte[] body) {

  public Envelope {
    headers = Map.copyOf(headers); // no copy when already immutable (Map.of)
    if (headers.size() > 255) {
      throw new IllegalArgumentException("at most 255 headers");
    }
  }

  /** A body with no headers. */
  public static Envelope of(byte[] body) {
    return new Envelope(Map.of(), body);
  }

  /** A header's value, or null. */
  public String header(String name) {
    return headers.get(name);
  }
}
