package dev.chorus.history;

/**
 * A retained chat message: its seq in the room, the server's epoch millis when sequenced, sender, text, and
 * the client's id for it (null when the chat carried none).
 */
public record HistoryEntry(long seq, long ts, String sender, String message, String id) {
}
