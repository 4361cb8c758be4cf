// The Node.js peer that bench/compare.sh measures Chorus against: ws@8, the same endpoints and chat
// protocol as Chorus (/echo echoes verbatim; /chat is the seed article's protocol), written the way ws's
// own README does broadcast, with the one optimisation Chorus also has: a broadcast is encoded once and the
// same Buffer is sent to every client. No per-message logging. PORT from the environment (default 9001).
'use strict';
const http = require('http');
const { WebSocketServer, WebSocket } = require('ws');

const port = Number(process.env.PORT || 9001);
const server = http.createServer((req, res) => { res.writeHead(404); res.end(); });
const echo = new WebSocketServer({ noServer: true, perMessageDeflate: false });
const chat = new WebSocketServer({ noServer: true, perMessageDeflate: false });

server.on('upgrade', (req, socket, head) => {
  const target = req.url === '/echo' ? echo : req.url === '/chat' ? chat : null;
  if (!target) { socket.destroy(); return; }
  target.handleUpgrade(req, socket, head, ws => target.emit('connection', ws, req));
});

echo.on('connection', ws => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
});

function broadcast(message) {
  const data = Buffer.from(JSON.stringify(message));
  for (const client of chat.clients) {
    if (client.readyState === WebSocket.OPEN) client.send(data, { binary: false });
  }
}

function reply(ws, text) {
  ws.send(JSON.stringify({ type: 'error', message: text }));
}

chat.on('connection', ws => {
  let name = null;
  ws.on('message', (data, isBinary) => {
    if (isBinary) { ws.close(1003, 'text only'); return; }
    let message;
    try { message = JSON.parse(data.toString()); } catch (e) { reply(ws, 'Invalid JSON format.'); return; }
    if (message && message.type === 'join' && name === null) {
      name = typeof message.name === 'string' ? message.name : 'Anonymous';
      broadcast({ type: 'status', message: `${name} joined the chat.` });
    } else if (message && message.type === 'chat' && name !== null && typeof message.message === 'string') {
      broadcast({ type: 'chat', sender: name, message: message.message });
    } else {
      reply(ws, 'Invalid message format or not joined.');
    }
  });
  ws.on('close', () => {
    if (name !== null) broadcast({ type: 'status', message: `${name} left the chat.` });
  });
});

server.listen(port, '127.0.0.1', () => console.log(`ws peer listening on ${port}`));
process.on('SIGTERM', () => process.exit(0));
