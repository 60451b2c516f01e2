// Healthbridge operator dashboard: plain JavaScript, no build step. Every value from the server is put into the page
// as text (textContent), never as HTML.
'use strict';

const session = {
  access: sessionStorage.getItem('hb.access'),
  refresh: sessionStorage.getItem('hb.refresh'),
  user: sessionStorage.getItem('hb.user'),
};
let socket = null;
let refreshTimer = null;
let panelTimer = null;
let lastEventId = null;
const MAX_EVENT_ROWS = 200;

const $ = (id) => document.getElementById(id);

function keep(tokens) {
  session.access = tokens.access_token;
  session.refresh = tokens.refresh_token;
  session.user = tokens.operator.username + ' (' + tokens.operator.role + ')';
  sessionStorage.setItem('hb.access', session.access);
  sessionStorage.setItem('hb.refresh', session.refresh);
  sessionStorage.setItem('hb.user', session.user);
  clearTimeout(refreshTimer);
  // renew a minute before the access token ends
  refreshTimer = setTimeout(refresh, Math.max(10, tokens.expires_in - 60) * 1000);
}

function forget() {
  session.access = session.refresh = session.user = null;
  sessionStorage.clear();
  clearTimeout(refreshTimer);
  clearInterval(panelTimer);
  if (socket) { socket.onclose = null; socket.close(); socket = null; }
}

async function refresh() {
  if (!session.refresh) { return false; }
  const r = await fetch('/api/v1/auth/refresh', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ refresh_token: session.refresh }),
  });
  if (!r.ok) { forget(); showLogin('Your session ended: log in again.'); return false; }
  keep(await r.json());
  return true;
}

/** Calls the API with the access token; an expired token is refreshed once. */
async function api(path, options = {}, retried = false) {
  const headers = Object.assign({ 'Authorization': 'Bearer ' + session.access }, options.headers || {});
  const r = await fetch(path, Object.assign({}, options, { headers }));
  if (r.status === 401 && !retried) {
    const body = await r.json().catch(() => ({}));
    if (body.error && body.error.code === 'AUTH_002' && await refresh()) {
      return api(path, options, true);
    }
    forget();
    showLogin('Your session ended: log in again.');
    throw new Error('unauthenticated');
  }
  return r;
}

function showLogin(message) {
  $('app').hidden = true;
  $('logout').hidden = true;
  $('who').textContent = '';
  $('login-view').hidden = false;
  $('login-error').textContent = message || '';
}

function showApp() {
  $('login-view').hidden = true;
  $('app').hidden = false;
  $('logout').hidden = false;
  $('who').textContent = session.user || '';
  // what happened before the page opened, then live from there on (the WebSocket resumes after the newest)
  loadHistory().catch(() => {}).finally(connect);
  loadPanels();
  clearInterval(panelTimer);
  panelTimer = setInterval(loadPanels, 3000);
}

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('login-error').textContent = '';
  const r = await fetch('/api/v1/auth/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: $('username').value, password: $('password').value }),
  });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) {
    $('login-error').textContent = (body.error && body.error.message) || ('login failed (' + r.status + ')');
    return;
  }
  $('password').value = '';
  keep(body);
  showApp();
});

$('trace-stop').addEventListener('click', async () => {
  await api('/api/v1/traces', { method: 'DELETE' });
  loadTrace().catch(() => {});
});

$('logout').addEventListener('click', async () => {
  try { await api('/api/v1/auth/logout', { method: 'POST' }); } catch (e) { /* ended already */ }
  forget();
  showLogin('Logged out.');
});

// ---- live events over the WebSocket ----

function filter() {
  const types = $('filter-type').value.split(',').map((s) => s.trim()).filter(Boolean);
  const users = $('filter-user').value.split(',').map((s) => s.trim()).filter(Boolean);
  return { action: 'subscribe', types: types.length ? types : ['*'], users };
}

function connect() {
  if (socket) { socket.onclose = null; socket.close(); }
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  socket = new WebSocket(scheme + '://' + location.host + '/ws/events?access_token=' + encodeURIComponent(session.access));
  socket.onopen = () => {
    socket.send(JSON.stringify(filter()));
  };
  socket.onmessage = (m) => {
    let msg;
    try { msg = JSON.parse(m.data); } catch (e) { return; }
    if (typeof msg.type === 'string' && msg.type.startsWith('healthbridge.ws.')) {
      if (msg.type === 'healthbridge.ws.subscribed') {
        $('ws-status').textContent = 'live';
        $('ws-status').className = 'badge live';
        if (lastEventId) { socket.send(JSON.stringify({ action: 'resume', after: lastEventId })); }
      }
      return;
    }
    addEvent(msg);
  };
  socket.onclose = () => {
    $('ws-status').textContent = 'reconnecting';
    $('ws-status').className = 'badge';
    // the access token may have been renewed meanwhile; the resume picks up what was missed
    setTimeout(() => { if (session.access) { connect(); } }, 2000);
  };
}

$('event-filter').addEventListener('submit', (e) => {
  e.preventDefault();
  $('events').querySelector('tbody').replaceChildren();
  lastEventId = null;
  if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(filter())); }
});

function cell(row, text, cls) {
  const td = document.createElement('td');
  td.textContent = text == null ? '' : String(text);
  if (cls) { td.className = cls; }
  row.appendChild(td);
  return td;
}

function addEvent(e) {
  lastEventId = e.id || lastEventId;
  const tbody = $('events').querySelector('tbody');
  const tr = document.createElement('tr');
  tr.dataset.eventId = e.id || '';
  cell(tr, e.time);
  cell(tr, e.type);
  cell(tr, e.subject);
  cell(tr, e.provider || (e.data && e.data.provenance && e.data.provenance.provider) || '');
  cell(tr, JSON.stringify(e.data), 'data');
  tbody.insertBefore(tr, tbody.firstChild);
  while (tbody.children.length > MAX_EVENT_ROWS) { tbody.removeChild(tbody.lastChild); }
}

// ---- panels ----

function fill(tableId, rows, render) {
  const tbody = $(tableId).querySelector('tbody');
  tbody.replaceChildren(...rows.map((r) => { const tr = document.createElement('tr'); render(tr, r); return tr; }));
}

function button(label, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

/** Seconds as "12 s ago", "4 min ago", "2 h ago". */
function ago(seconds) {
  if (seconds == null) { return '–'; }
  return seconds < 120 ? seconds + ' s ago' : seconds < 7200 ? Math.round(seconds / 60) + ' min ago'
    : Math.round(seconds / 3600) + ' h ago';
}

/** A timestamp as the reader's local date and time to the second, without microseconds or a zone suffix. */
function when(iso) {
  if (!iso) { return ''; }
  const t = new Date(iso);
  if (isNaN(t)) { return iso; }
  const p = (n) => String(n).padStart(2, '0');
  return t.getFullYear() + '-' + p(t.getMonth() + 1) + '-' + p(t.getDate()) + ' ' + p(t.getHours()) + ':'
    + p(t.getMinutes()) + ':' + p(t.getSeconds());
}

function percent(x) { return x == null ? '–' : (Math.round(x * 1000) / 10) + ' %'; }

async function loadPanels() {
  try {
    await Promise.all([loadActivity(), loadRoutes(), loadIntegrations(), loadWebhooks(), loadSinks(),
      loadDeadLetters(), loadTrace()]);
  } catch (e) { /* shown at the next round or by the login page */ }
}

/** The newest stored events (of the filter's user, and type when it names one exactly), oldest first. */
async function loadHistory() {
  const f = filter();
  const q = new URLSearchParams({ order: 'desc', limit: '50' });
  if (f.users.length === 1) { q.set('user', f.users[0]); }
  if (f.types.length === 1 && !f.types[0].includes('*')) { q.set('type', f.types[0]); }
  const body = await (await api('/api/v1/events?' + q)).json();
  (body.events || []).slice().reverse().forEach((e) => addEvent(e.event));
}

/** The last hour a minute at a time: events per provider, webhook attempts delivered and failed. */
async function loadActivity() {
  const body = await (await api('/api/v1/activity')).json();
  HbCharts.activity(body, $('activity-events'), $('activity-webhooks'), $('activity-summary'), $('activity-sinks'));
}

async function loadRoutes() {
  const body = await (await api('/api/v1/routes')).json();
  const all = $('show-api-routes').checked;
  // route files first; the REST implementation routes (api-*-impl) only on request
  const routes = body.routes.filter((r) => all || !/^api-.*-impl$/.test(r.id))
    .sort((a, b) => (a.source === 'built-in') - (b.source === 'built-in'));
  fill('routes', routes, (tr, r) => {
    tr.dataset.routeId = r.id;
    cell(tr, r.id); cell(tr, r.source);
    cell(tr, r.status + (r.held ? ' (held by an operator)' : ''), r.status);
    cell(tr, r.exchanges_total); cell(tr, r.exchanges_failed);
    const td = cell(tr, '');
    // any route's messages, traced for a few minutes and shown masked (admin)
    td.appendChild(button('Trace', async () => {
      const res = await api('/api/v1/routes/' + encodeURIComponent(r.id) + '/trace', { method: 'POST',
        headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ minutes: 5, max_messages: 100 }) });
      $('route-result').textContent = res.ok ? 'tracing ' + r.id + ' for 5 minutes' : r.id + ': trace failed (' + res.status + ')';
      loadTrace().catch(() => {});
    }));
    if (r.source !== 'built-in') {
      // a route file's route: an admin stops, suspends, starts or resumes it (kept across a reload of its file)
      const actions = r.status === 'Started' ? ['stop', 'suspend'] : r.status === 'Suspended' ? ['resume', 'stop'] : ['start'];
      actions.forEach((a) => td.appendChild(button(a[0].toUpperCase() + a.slice(1), async (ev) => {
        ev.target.disabled = true;
        const res = await api('/api/v1/routes/' + encodeURIComponent(r.id) + '/' + a, { method: 'POST' });
        const body = await res.json().catch(() => ({}));
        $('route-result').textContent = res.ok ? r.id + ': ' + body.status
          : r.id + ': ' + a + ' failed (' + res.status + (body.error ? ', ' + body.error.message : '') + ')';
        loadRoutes().catch(() => {});
      })));
    }
  });
  const errors = $('route-errors');
  errors.replaceChildren(...body.files.filter((f) => f.result === 'rejected').map((f) => {
    const p = document.createElement('p');
    p.className = 'rejected';
    p.textContent = 'Rejected ' + f.file + (f.error.line ? ' line ' + f.error.line : '') + ': ' + f.error.reason;
    return p;
  }));
}

/** The message trace an admin started, masked by the runtime (a viewer sees none: 403). */
async function loadTrace() {
  const res = await api('/api/v1/traces');
  if (!res.ok) { $('trace-panel').hidden = true; return; }
  const t = await res.json();
  $('trace-panel').hidden = !t.route_id;
  if (!t.route_id) { return; }
  $('trace-summary').textContent = t.route_id + (t.active ? ', tracing until ' + when(t.until) : ', ended')
    + ': ' + t.messages.length + ' messages (health values and credentials masked)';
  fill('trace', t.messages.slice().reverse(), (tr, m) => {
    cell(tr, when(new Date(m.timestamp).toISOString()));
    cell(tr, m.exchangeId);
    cell(tr, m.failed ? 'failed' : m.done ? 'done' : 'in', m.failed ? 'failed' : '');
    cell(tr, JSON.stringify(m.headers), 'data');
    cell(tr, typeof m.body === 'string' ? m.body : JSON.stringify(m.body), 'data');
  });
}

async function loadIntegrations() {
  const body = await (await api('/api/v1/integrations')).json();
  fill('integrations', body.integrations, (tr, i) => {
    cell(tr, i.provider);
    cell(tr, i.state);
    cell(tr, i.breaker.state, i.breaker.state);
    // a quota pause (a provider's 429 with Retry-After, Fitbit's hourly limit) shows with its end
    cell(tr, (i.quota.remaining == null ? 'no quota' : i.quota.remaining + ' of ' + i.quota.app)
      + (i.quota.paused_until ? ' — paused until ' + when(i.quota.paused_until) : ''), i.quota.paused_until ? 'failed' : '');
    const s = i.sync || {};
    cell(tr, s.last_sync_at ? ago(s.lag_seconds) + ' (' + s.connections_active + ' active'
      + (s.connections_in_error ? ', ' + s.connections_in_error + ' failing' : '') + ')' : 'never', s.connections_in_error ? 'failed' : '');
    cell(tr, percent(i.metrics.success_rate));
    cell(tr, i.metrics.latency_ms.p95 == null ? '–' : Math.round(i.metrics.latency_ms.p95));
    const td = cell(tr, '');
    td.appendChild(button('Check', async () => {
      const r = await (await api('/api/v1/integrations/' + encodeURIComponent(i.provider) + '/health-check',
        { method: 'POST' })).json();
      $('health-result').textContent = i.provider + ': ' + (r.healthy ? 'healthy' : 'unhealthy')
        + (r.status_code ? ' (HTTP ' + r.status_code + ')' : '') + (r.error ? ' — ' + r.error : '');
    }));
  });
}

async function loadSinks() {
  const body = await (await api('/api/v1/sinks')).json();
  fill('sinks', body.sinks, (tr, k) => {
    cell(tr, k.id + (k.route_id ? ' (' + k.route_id + ')' : ''));
    cell(tr, k.running ? 'running' : 'stopped, cursor kept', k.running ? 'Started' : 'Stopped');
    cell(tr, k.delivered);
    cell(tr, k.failed);
    cell(tr, k.lag);
    cell(tr, k.last_error ? when(k.last_error_at) + ' ' + k.last_error : '');
  });
}

async function loadWebhooks() {
  const body = await (await api('/api/v1/webhooks')).json();
  fill('webhooks', body.webhooks, (tr, w) => {
    const s = w.delivery_stats || {};
    cell(tr, w.url); cell(tr, w.enabled ? 'yes' : 'no (' + (w.disabled_reason || '') + ')');
    cell(tr, s.delivered, 'delivered'); cell(tr, s.failed, s.failed ? 'failed' : ''); cell(tr, s.pending);
    cell(tr, percent(s.success_rate));
  });
  const failed = [];
  for (const w of body.webhooks) {
    const d = await (await api('/api/v1/webhooks/' + encodeURIComponent(w.id) + '/deliveries?status=failed&limit=20')).json();
    d.deliveries.forEach((x) => failed.push(Object.assign({ endpoint: w }, x)));
  }
  fill('failed-deliveries', failed, (tr, d) => {
    tr.dataset.deliveryId = d.id;
    cell(tr, d.endpoint.url); cell(tr, d.event_id); cell(tr, d.event_type); cell(tr, d.attempts);
    cell(tr, d.last_error || (d.last_status_code ? 'HTTP ' + d.last_status_code : ''), 'failed');
    const td = cell(tr, '');
    td.appendChild(button('Retry', async (ev) => {
      ev.target.disabled = true;
      const r = await api('/api/v1/webhooks/' + encodeURIComponent(d.endpoint.id) + '/deliveries/'
        + encodeURIComponent(d.id) + '/retry', { method: 'POST' });
      ev.target.textContent = r.ok ? 'Queued' : 'Retry failed (' + r.status + ')';
    }));
  });
}

async function loadDeadLetters() {
  const body = await (await api('/api/v1/dead-letters?limit=20')).json();
  fill('dead-letters', body.dead_letters || [], (tr, d) => {
    cell(tr, when(d.created_at || d.at)); cell(tr, d.provider); cell(tr, d.dataset); cell(tr, d.reason, 'error');
    const td = cell(tr, '');
    if (!d.replayed_at) {
      td.appendChild(button('Replay', async (ev) => {
        ev.target.disabled = true;
        const r = await api('/api/v1/dead-letters/' + encodeURIComponent(d.id) + '/replay', { method: 'POST' });
        ev.target.textContent = r.ok ? 'Replayed' : 'Replay failed (' + r.status + '): try again';
        ev.target.disabled = r.ok; // a failed replay may be tried again
      }));
    }
  });
}

if (session.access) { showApp(); } else { showLogin(); }
