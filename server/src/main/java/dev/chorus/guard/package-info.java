/**
 * Limits and security around the protocol: what a client may send and cost (rate, names, rooms,
 * connections), and who may connect (Origin, JWT). Sessions and the verticle call in through small hooks;
 * the rules live here, as plain classes where they can be. The frame-level rules (sizes, UTF-8, close
 * codes, silence, slow consumers) live in {@code dev.chorus.transport}.
 */
package dev.chorus.guard;
