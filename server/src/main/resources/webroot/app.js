'use strict';
/*
 * The page: a name and a room, then the room's messages, who is here, and which node serves the
 * connection; a cluster panel from /api/cluster. Everything from the network is inserted as text
 * (textContent), never as HTML.
 *
 * URL parameters: name, room (prefill the form; join=1 joins at once). The endpoints to fail over to come
 * only from this origin's /api/cluster, never from the URL: a link must not be able to send the page's
 * messages to a server of the link's choosing.
 */
(function () {
  const MAX_SHOWN = 500;
  const params = new URLSearchParams(location.search);
  const $ = id => document.getElementById(id);
  const ui = {
    login: $('login'), name: $('name'), room: $('room'), chat: $('chat'), roomTitle: $('room-title'),
    mode: $('mode'), leave: $('leave-btn'), messages: $('messages'), presence: $('presence'),
    presenceCount: $('presence-count'), composer: $('composer'), message: $('message'), send: $('send-btn'),
    state: $('state'), node: $('node'), cluster: $('cluster'), clusterStatus: $('cluster-status'),
    clusterNodes: $('cluster-nodes'), clusterRooms: $('cluster-rooms')
  };
  let client = null;
  let nodeIds = {}; // endpoint -> node id, from /api/cluster

  ui.name.value = params.get('name') || localStorage.getItem('chorus.name') || '';
  ui.room.value = params.get('room') || localStorage.getItem('chorus.room') || 'lobby';

  ui.login.addEventListener('submit', event => {
    event.preventDefault();
    const name = ui.name.value.trim();
    const room = ui.room.value.trim() || 'lobby';
    if (!name || !ui.room.checkValidity()) {
      ui.login.reportValidity();
      return;
    }
    localStorage.setItem('chorus.name', name);
    localStorage.setItem('chorus.room', room);
    join(name, room);
  });

  ui.leave.addEventListener('click', () => {
    if (client) {
      client.stop();
      client = null;
    }
    ui.chat.hidden = true;
    ui.login.hidden = false;
  });

  ui.composer.addEventListener('submit', event => {
    event.preventDefault();
    const text = ui.message.value;
    if (text.trim() && client && client.send(text)) {
      ui.message.value = '';
    }
  });

  let clusterTimer = null;
  ui.cluster.addEventListener('toggle', () => {
    clearInterval(clusterTimer);
    if (ui.cluster.open) {
      loadCluster();
      clusterTimer = setInterval(loadCluster, 5000);
    }
  });

  function join(name, room) {
    ui.messages.replaceChildren();
    ui.presence.replaceChildren();
    ui.presenceCount.textContent = '';
    ui.roomTitle.textContent = '#' + room;
    ui.mode.textContent = '';
    ui.login.hidden = true;
    ui.chat.hidden = false;
    client = new ChorusClient({
      endpoints: [location.host], name, room, secure: location.protocol === 'https:', onEvent
    });
    client.start();
    discoverNodes();
    ui.message.focus();
  }

  function onEvent(event) {
    switch (event.kind) {
      case 'state':
        showState(event);
        break;
      case 'chat':
        addLine('chat', event.ts, event.sender, event.message, event.seq);
        break;
      case 'status':
        addLine('status', null, null, event.message);
        break;
      case 'error':
        addLine('error', null, null, event.message);
        break;
      case 'notice':
        addLine('notice', null, null, event.message);
        break;
      case 'direct':
        addLine('direct', event.ts, event.sender, event.message);
        break;
      case 'presence':
        showPresence(event);
        break;
      case 'mode':
        ui.mode.textContent = event.rooms ? '' : 'this server has one room: everyone is in the lobby';
        break;
      default:
        break;
    }
  }

  function showState(event) {
    ui.state.textContent = event.state + (event.delayMs ? ' in ' + (event.delayMs / 1000).toFixed(1) + ' s' : '');
    ui.state.className = 'state ' + event.state;
    ui.state.dataset.state = event.state;
    ui.node.textContent = 'node ' + event.endpoint + (nodeIds[event.endpoint] ? ' · ' + short(nodeIds[event.endpoint]) : '');
    ui.node.dataset.endpoint = event.endpoint;
    ui.send.disabled = event.state !== 'online';
    if (event.state === 'online') {
      identify(event.endpoint);
    }
  }

  function addLine(kind, ts, sender, text, seq) {
    const li = document.createElement('li');
    li.className = kind;
    if (typeof seq === 'number') {
      li.dataset.seq = String(seq);
    }
    if (ts) {
      const time = document.createElement('span');
      time.className = 'time';
      time.textContent = new Date(ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
      li.append(time);
    }
    if (sender !== null) {
      const who = document.createElement('span');
      who.className = 'sender';
      who.textContent = sender;
      li.append(who);
    }
    const body = document.createElement('span');
    body.className = 'text';
    body.textContent = text;
    li.append(body);
    const atBottom = ui.messages.scrollHeight - ui.messages.scrollTop - ui.messages.clientHeight < 40;
    ui.messages.append(li);
    while (ui.messages.children.length > MAX_SHOWN) {
      ui.messages.firstElementChild.remove();
    }
    if (atBottom) {
      ui.messages.scrollTop = ui.messages.scrollHeight;
    }
  }

  /** The room's members: a big room's answer lists the first names only, and says how many there are. */
  function showPresence({ members, partial, count, truncated }) {
    const items = members.map(name => {
      const li = document.createElement('li');
      li.textContent = name;
      return li;
    });
    const total = typeof count === 'number' ? count : members.length;
    if (truncated && total > members.length) {
      const more = document.createElement('li');
      more.className = 'more';
      more.textContent = '… and ' + (total - members.length) + ' more';
      items.push(more);
    }
    ui.presence.replaceChildren(...items);
    ui.presenceCount.textContent = '(' + total + (partial ? ', seen since you joined' : '') + ')';
  }

  /** GET /api/cluster from this page's origin (the only one its policy lets it fetch); null when unreachable. */
  async function fetchCluster() {
    try {
      const response = await fetch('/api/cluster', { cache: 'no-store' });
      return response.ok ? await response.json() : null;
    } catch (e) {
      return null;
    }
  }

  /** Reads the cluster's members; when the page is served by a node directly, adds them as fail-over endpoints. */
  async function discoverNodes() {
    const cluster = await fetchCluster();
    if (!cluster || !client) {
      return;
    }
    const view = clusterView(cluster);
    learnNodeIds(view);
    const direct = view.nodes.some(node => node.http === location.host);
    if (direct) {
      client.addEndpoints(view.nodes.map(node => node.http).filter(Boolean));
    }
    identify(client.endpoint());
  }

  function learnNodeIds(view) {
    view.nodes.forEach(node => node.http && node.id && (nodeIds[node.http] = node.id));
  }

  /** Shows the node id of {@code endpoint}, as this origin's /api/cluster lists it. */
  async function identify(endpoint) {
    if (!nodeIds[endpoint]) {
      const cluster = await fetchCluster();
      if (cluster) {
        learnNodeIds(clusterView(cluster));
      }
    }
    if (nodeIds[endpoint] && ui.node.dataset.endpoint === endpoint) {
      ui.node.textContent = 'node ' + endpoint + ' · ' + short(nodeIds[endpoint]);
    }
  }

  async function loadCluster() {
    const cluster = await fetchCluster();
    if (!cluster) {
      ui.clusterStatus.textContent = 'No cluster view: this server has no /api/cluster, or it cannot be reached.';
      ui.clusterNodes.hidden = true;
      return;
    }
    const view = clusterView(cluster);
    ui.clusterStatus.textContent = view.nodes.length + ' node(s)';
    const body = ui.clusterNodes.tBodies[0];
    body.replaceChildren(...view.nodes.map(node => {
      const tr = document.createElement('tr');
      if (node.id && node.id === view.self) {
        tr.className = 'self';
      }
      [node.id ? short(node.id) : '?', node.http || '', node.clients ?? '', duration(node.uptimeSeconds)].forEach(value => {
        const td = document.createElement('td');
        td.textContent = String(value);
        tr.append(td);
      });
      return tr;
    }));
    ui.clusterNodes.hidden = false;
    ui.clusterRooms.replaceChildren(...view.rooms.map(room => {
      const li = document.createElement('li');
      li.textContent = '#' + room.name + (room.members !== undefined ? ' (' + room.members + ')' : '');
      return li;
    }));
  }

  /** /api/cluster, read tolerantly: {nodeId, members|nodes: [{nodeId|id, http|httpAddress, clients, uptime...}], rooms?}. */
  function clusterView(data) {
    const list = Array.isArray(data.members) ? data.members : Array.isArray(data.nodes) ? data.nodes : [];
    const nodes = list.map(m => ({
      id: str(m.nodeId ?? m.id),
      http: httpAddress(m),
      clients: m.clients ?? m.connections ?? m.connectedClients,
      uptimeSeconds: m.uptimeSeconds ?? (m.uptimeMillis ?? m.uptimeMs ?? m.uptime) / 1000
    }));
    const rooms = (Array.isArray(data.rooms) ? data.rooms : []).map(r => typeof r === 'string'
      ? { name: r } : { name: str(r.room ?? r.name), members: r.members ?? r.count ?? r.clients });
    return { self: str(data.nodeId ?? data.self ?? data.id), nodes, rooms };
  }

  function httpAddress(m) {
    const raw = m.http ?? m.httpAddress ?? m.address;
    if (typeof raw === 'string') {
      return raw.replace(/^https?:\/\//, '').replace(/\/$/, '');
    }
    if (raw && raw.host && raw.port) {
      return raw.host + ':' + raw.port;
    }
    return m.host && m.httpPort ? m.host + ':' + m.httpPort : '';
  }

  function str(value) {
    return value === undefined || value === null ? '' : String(value);
  }

  function short(id) {
    return id.length > 8 ? id.slice(0, 8) : id;
  }

  function duration(seconds) {
    if (typeof seconds !== 'number' || !isFinite(seconds)) {
      return '';
    }
    const s = Math.floor(seconds);
    return s < 120 ? s + ' s' : s < 7200 ? Math.floor(s / 60) + ' min' : Math.floor(s / 3600) + ' h';
  }

  if (params.get('join') === '1' && ui.name.value.trim()) {
    join(ui.name.value.trim(), ui.room.value.trim() || 'lobby');
  }
})();
