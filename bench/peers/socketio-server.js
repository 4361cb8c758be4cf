// The Socket.IO peer that bench/compare.sh measures two Chorus nodes against: Socket.IO 4.8 with
// @socket.io/redis-adapter over ioredis (which the Socket.IO docs recommend over the redis package), run as
// two or more processes that share one Redis. The same chat protocol as ws-server.js, as Socket.IO events:
// `join` {name, room} answers every member of the room with `status` {type, message}; `chat` {message}
// broadcasts `chat` {type, sender, message} to the room on every process through the adapter; anything else
// gets `chat_error` {type, message}. WebSocket transport only (clients connect straight over WebSocket), no
// compression, no per-message logging. PORT and REDIS_URL (or REDIS_PORT on 127.0.0.1) from the environment.
'use strict';
const http = require('http');
const { Server } = require('socket.io');
const { createAdapter } = require('@socket.io/redis-adapter');
const { Redis } = require('ioredis');

const port = Number(process.env.PORT || 9002);
const redisUrl = process.env.REDIS_URL || `redis://127.0.0.1:${process.env.REDIS_PORT || 6379}`;

async function main() {
  const pub = new Redis(redisUrl);
  const sub = pub.duplicate();
  const server = http.createServer((req, res) => { res.writeHead(404); res.end(); });
  const io = new Server(server, {
    transports: ['websocket'],
    perMessageDeflate: false,
    serveClient: false,
    adapter: createAdapter(pub, sub),
  });

  io.on('connection', socket => {
    let name = null;
    let room = null;
    const reply = text => socket.emit('chat_error', { type: 'error', message: text });

    socket.on('join', message => {
      if (name !== null || !message) { reply('Invalid message format or not joined.'); return; }
      name = typeof message.name === 'string' ? message.name : 'Anonymous';
      room = typeof message.room === 'string' ? message.room : 'lobby';
      socket.join(room);
      io.to(room).emit('status', { type: 'status', message: `${name} joined the chat.` });
    });
    socket.on('chat', message => {
      if (name === null || !message || typeof message.message !== 'string') {
        reply('Invalid message format or not joined.');
        return;
      }
      io.to(room).emit('chat', { type: 'chat', sender: name, message: message.message });
    });
    socket.on('disconnect', () => {
      if (name !== null) io.to(room).emit('status', { type: 'status', message: `${name} left the chat.` });
    });
  });

  // The adapter subscribes in its constructor; Redis answers a connection's commands in order, so once this
  // PING is answered the subscriptions are in place and a message published elsewhere reaches our clients.
  await sub.ping();
  server.listen(port, '127.0.0.1', () => console.log(`socket.io peer listening on ${port} (redis ${redisUrl})`));
}

main().catch(e => { console.error(e); process.exit(1); });
process.on('SIGTERM', () => process.exit(0));
