/**
 * Limits and security around the protocol: what a client may send and cost (rate, sizes, names, rooms,
 * connections, outbound queue, silence), who may connect (Origin, JWT), and the RFC 6455 answers to broken
 * frames. Sessions and the verticle call in through small hooks; the rules live here, as plain classes where
 * they can be.
 */
package dev.chorus.guard;
