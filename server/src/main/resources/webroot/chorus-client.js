'use strict';
/*
 * ChorusClient: one /chat connection to a Chorus cluster for one person in one room, with automatic
 * reconnection and resume. No DOM here: app.js renders the events.
 *
 * Protocol (docs/protocol.md): join {"type":"join","name","room","since"}, chat, who -> presence,
 * leave; direct messages to this user from the server. Servers with rooms tag messages with "room" and chat messages with "seq"/"ts"; a server speaking
 * the seed protocol (one room, no seq) ignores "room" and "since", and this client then works without
 * presence queries or resume.
 *
 * Reconnection: after any close the client waits (exponential backoff with jitter: about 0.5 s, 1 s, 2 s,
 * ... up to 10 s) and tries the next endpoint of its list, so a page whose node died moves to a surviving
 * one. It re-joins with "since" = the last seq it showed and "epoch" = the room's epoch it counted in (from
 * its own join notice), and the server replays what it missed. When the server says the room's history was
 * reset (a new epoch: seqs started again), the client counts afresh, so the replay of everything retained
 * that follows is shown instead of being taken for messages it already has.
 */
(function (global) {
  const FIRST_DELAY_MS = 500;
  const MAX_DELAY_MS = 10000;
  const CONNECT_TIMEOUT_MS = 5000;
  /**
   * Closes after which reconnecting cannot help: binary data refused, policy (origin, auth, rate limit)
   * refused, disconnected by the server (4001), token expired (4002: only a new token helps); except a 1008
   * "slow consumer" (a tab that stopped reading), which reconnects and resumes.
   */
  const FINAL_CLOSES = new Set([1003, 1008, 4001, 4002]);
  const FINAL_MESSAGES = {
    4001: 'Disconnected by the server.',
    4002: 'Your session expired: sign in again to reconnect.',
  };
  const RETRYABLE_REASON = /^slow consumer/;
  const HISTORY_RESET = 'The room\'s history was reset; seqs started again.';
  const JOINED = / joined the chat\.$/;
  const LEFT = / left the chat\.$/;

  class ChorusClient {
    /**
     * @param {{endpoints: string[], name: string, room: string, secure?: boolean,
     *          onEvent: function(object): void}} options endpoints are host:port, the preferred first
     */
    constructor(options) {
      this.endpoints = dedupe(options.endpoints);
      this.name = options.name;
      this.room = options.room || 'lobby';
      this.secure = !!options.secure;
      this.onEvent = options.onEvent;
      this.index = 0;
      this.attempt = 0;
      this.socket = null;
      this.stopped = true;
      this.lastSeq = null;
      this.epoch = null; // the epoch lastSeq counts in, from this client's own join notice
      this.rooms = null; // null: unknown yet; true: the server has rooms; false: the seed protocol
      this.seedPresence = new Set();
      this.whoTimer = null;
      this.retryTimer = null;
      this.resuming = false;
    }

    /** Adds endpoints to try after the current ones (for example members listed by /api/cluster). */
    addEndpoints(endpoints) {
      this.endpoints = dedupe(this.endpoints.concat(endpoints));
    }

    /** The endpoint of the current or last connection. */
    endpoint() {
      return this.endpoints[this.index];
    }

    start() {
      this.stopped = false;
      this.connect();
    }

    /** Leaves the room and closes for good. */
    stop() {
      this.stopped = true;
      clearTimeout(this.retryTimer);
      clearTimeout(this.whoTimer);
      if (this.socket && this.socket.readyState === WebSocket.OPEN) {
        if (this.rooms) {
          this.write({ type: 'leave', room: this.room });
        }
        this.socket.close(1000, 'bye');
      }
      this.emit({ kind: 'state', state: 'offline', endpoint: this.endpoint() });
    }

    /** Sends a chat message; false when not connected (the text stays with the caller). */
    send(text) {
      if (!this.socket || this.socket.readyState !== WebSocket.OPEN) {
        return false;
      }
      this.write({ type: 'chat', room: this.room, message: text });
      return true;
    }

    connect() {
      const endpoint = this.endpoint();
      const url = (this.secure ? 'wss://' : 'ws://') + endpoint + '/chat';
      this.emit({ kind: 'state', state: this.attempt === 0 ? 'connecting' : 'reconnecting', endpoint, attempt: this.attempt });
      let socket;
      try {
        socket = new WebSocket(url);
      } catch (e) {
        this.retry();
        return;
      }
      this.socket = socket;
      const timeout = setTimeout(() => socket.readyState === WebSocket.CONNECTING && socket.close(), CONNECT_TIMEOUT_MS);
      socket.onopen = () => {
        clearTimeout(timeout);
        this.emit({ kind: 'state', state: 'online', endpoint, resumed: this.lastSeq !== null });
        const join = { type: 'join', name: this.name, room: this.room };
        // Resume after the last message shown; on the first join, since 0 asks for the retained history.
        join.since = this.lastSeq === null ? 0 : this.lastSeq;
        if (this.lastSeq !== null && this.epoch !== null) {
          join.epoch = this.epoch;
        }
        this.resuming = this.lastSeq !== null;
        this.write(join);
        if (this.rooms === false) {
          this.seedPresence = new Set([this.name]);
          this.emitSeedPresence();
        }
      };
      socket.onmessage = event => this.receive(event.data);
      socket.onclose = event => {
        clearTimeout(timeout);
        if (this.socket !== socket) {
          return;
        }
        this.socket = null;
        if (this.stopped) {
          return;
        }
        if (FINAL_CLOSES.has(event.code) && !RETRYABLE_REASON.test(event.reason || '')) {
          this.stopped = true;
          this.emit({ kind: 'error', message: FINAL_MESSAGES[event.code]
            || 'Disconnected (' + event.code + (event.reason ? ': ' + event.reason : '') + ').' });
          this.emit({ kind: 'state', state: 'offline', endpoint });
          return;
        }
        this.emit({ kind: 'notice', message: 'Connection to ' + endpoint + ' lost (' + event.code + '); reconnecting.' });
        this.retry();
      };
    }

    retry() {
      this.attempt += 1;
      this.index = (this.index + 1) % this.endpoints.length;
      const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * Math.pow(2, this.attempt - 1));
      const delay = Math.round(ceiling / 2 + Math.random() * ceiling / 2);
      this.emit({ kind: 'state', state: 'reconnecting', endpoint: this.endpoint(), attempt: this.attempt, delayMs: delay });
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.connect(), delay);
    }

    receive(text) {
      let msg;
      try {
        msg = JSON.parse(text);
      } catch (e) {
        return;
      }
      if (!msg || typeof msg !== 'object') {
        return;
      }
      if (this.rooms === null && (typeof msg.room === 'string' || typeof msg.seq === 'number')) {
        this.rooms = true;
        this.emit({ kind: 'mode', rooms: true });
      }
      if (this.rooms && typeof msg.room === 'string' && msg.room !== this.room) {
        return;
      }
      switch (msg.type) {
        case 'chat':
          this.receiveChat(msg);
          break;
        case 'status':
          this.receiveStatus(msg);
          break;
        case 'presence':
          this.emit({ kind: 'presence', members: Array.isArray(msg.members) ? msg.members.map(String) : [],
            count: typeof msg.count === 'number' ? msg.count : null, truncated: msg.truncated === true });
          break;
        case 'direct':
          this.emit({ kind: 'direct', sender: String(msg.sender), message: String(msg.message),
            ts: typeof msg.ts === 'number' ? msg.ts : null });
          break;
        case 'error':
          if (String(msg.message) === HISTORY_RESET) {
            // The seqs that follow count in a new stream: what was shown says nothing about them.
            this.lastSeq = 0;
            this.epoch = null;
          }
          if (!this.resuming && /no longer retained/.test(String(msg.message))) {
            // A first join asks for everything since 0: older messages having expired is normal.
            this.emit({ kind: 'notice', message: 'Older messages are no longer retained.' });
          } else {
            this.emit({ kind: 'error', message: String(msg.message) });
          }
          break;
        default:
          break;
      }
    }

    receiveChat(msg) {
      if (typeof msg.seq === 'number') {
        if (this.lastSeq !== null && msg.seq <= this.lastSeq) {
          return; // already shown (a replay overlapping what arrived live)
        }
        this.lastSeq = msg.seq;
      }
      this.emit({ kind: 'chat', sender: String(msg.sender), message: String(msg.message), seq: msg.seq, ts: msg.ts });
    }

    receiveStatus(msg) {
      const text = String(msg.message);
      const own = text === this.name + ' joined the chat.' || msg.name === this.name && JOINED.test(text);
      if (own && typeof msg.epoch === 'string') {
        // Our own join notice names the epoch our node's seqs count in (another's may be ahead of a reset).
        this.epoch = msg.epoch;
      }
      if (own) {
        this.attempt = 0;
        if (this.rooms === null) {
          // Our own join notice without a room: the seed protocol.
          this.rooms = false;
          this.emit({ kind: 'mode', rooms: false });
          this.seedPresence.add(this.name);
        }
      }
      this.emit({ kind: 'status', message: text });
      if (this.rooms) {
        this.askWho();
      } else {
        const name = typeof msg.name === 'string' ? msg.name : text.replace(JOINED, '').replace(LEFT, '');
        if (JOINED.test(text)) {
          this.seedPresence.add(name);
        } else if (LEFT.test(text)) {
          this.seedPresence.delete(name);
        }
        this.emitSeedPresence();
      }
    }

    /** Asks for the room's members, once for a burst of join/leave notices. */
    askWho() {
      clearTimeout(this.whoTimer);
      this.whoTimer = setTimeout(() => this.write({ type: 'who', room: this.room }), 150);
    }

    emitSeedPresence() {
      this.emit({ kind: 'presence', members: Array.from(this.seedPresence).sort(), partial: true });
    }

    write(message) {
      if (this.socket && this.socket.readyState === WebSocket.OPEN) {
        this.socket.send(JSON.stringify(message));
      }
    }

    emit(event) {
      try {
        this.onEvent(event);
      } catch (e) {
        console.error(e);
      }
    }
  }

  function dedupe(list) {
    return Array.from(new Set(list.filter(Boolean)));
  }

  global.ChorusClient = ChorusClient;
})(window);
