// A person's day on the dashboard, to check a mapping by eye: their connections, heart rate and cumulative steps
// per source as lines, each source's sleep as a hypnogram, workouts as bars, and the reconciled totals beside what
// each source counted. Read from the API (events in a time window, the reconciled day); drawn as plain SVG.
'use strict';

const HbPerson = (() => {
  const { el, colours, legend, PALETTE } = HbCharts;
  const STAGES = ['awake', 'rem', 'light', 'deep'];
  const colourAt = (i) => PALETTE[i % PALETTE.length];

  /** An SVG over [x0, x1] with hour ticks; {@code draw(svg, x, y0, y1)} adds the marks (x maps a time to pixels). */
  function frame(host, x0, x1, height, draw) {
    const width = Math.max(300, host.clientWidth || 900);
    const left = 70, top = 6, bottom = 18;
    const x = (t) => left + (t - x0) / (x1 - x0) * (width - left - 6);
    const svg = el('svg', { viewBox: '0 0 ' + width + ' ' + height, width, height, class: 'chart', role: 'img' });
    for (let t = Math.ceil(x0 / 3600000) * 3600000; t <= x1; t += 3 * 3600000) {
      svg.appendChild(el('line', { x1: x(t), x2: x(t), y1: top, y2: height - bottom, stroke: '#eee' }));
      svg.appendChild(el('text', { x: x(t), y: height - 4, 'font-size': 11, fill: '#555' },
        new Date(t).toTimeString().slice(0, 5)));
    }
    draw(svg, x, top, height - bottom, left);
    host.replaceChildren(svg);
  }

  /** Lines, one per series: {name, points: [[time ms, value]]}. */
  function lines(host, x0, x1, series, unit) {
    const all = series.flatMap((s) => s.points.map((p) => p[1]));
    if (!all.length) { host.textContent = 'no data'; return; }
    const lo = Math.min(...all), hi = Math.max(...all);
    frame(host, x0, x1, 150, (svg, x, y0, y1, left) => {
      const y = (v) => y1 - (v - lo) / Math.max(1e-9, hi - lo) * (y1 - y0);
      svg.appendChild(el('text', { x: left - 6, y: y0 + 10, 'text-anchor': 'end', 'font-size': 11, fill: '#555' }, hi + ' ' + unit));
      svg.appendChild(el('text', { x: left - 6, y: y1, 'text-anchor': 'end', 'font-size': 11, fill: '#555' }, lo + ' ' + unit));
      series.forEach((s, i) => {
        const d = s.points.sort((a, b) => a[0] - b[0]).map((p, j) => (j ? 'L' : 'M') + x(p[0]).toFixed(1) + ' ' + y(p[1]).toFixed(1)).join(' ');
        const path = el('path', { d, fill: 'none', stroke: colourAt(i), 'stroke-width': 1.5, class: 'line' });
        path.appendChild(el('title', {}, s.name));
        svg.appendChild(path);
      });
    });
    const names = series.map((s) => s.name);
    host.appendChild(legend(names, colours(names)));
  }

  /** A hypnogram per source: a row per stage, a bar per segment. */
  function hypnogram(host, x0, x1, sessions) {
    if (!sessions.length) { host.textContent = 'no sleep'; return; }
    frame(host, x0, x1, 30 + sessions.length * 64, (svg, x, y0, y1, left) => {
      sessions.forEach((s, i) => {
        const base = y0 + i * 64;
        svg.appendChild(el('text', { x: 2, y: base + 10, 'font-size': 11, fill: '#333' }, s.name));
        STAGES.forEach((stage, r) => {
          svg.appendChild(el('text', { x: left - 6, y: base + 14 + r * 12, 'text-anchor': 'end', 'font-size': 9, fill: '#777' }, stage));
        });
        s.segments.forEach((seg) => {
          const r = Math.max(0, STAGES.indexOf(seg.stage === 'asleep' ? 'light' : seg.stage));
          const bar = el('rect', { x: x(seg.start), y: base + 6 + r * 12, width: Math.max(1, x(seg.end) - x(seg.start)),
            height: 10, fill: colourAt(i), class: 'segment' });
          bar.appendChild(el('title', {}, s.name + ': ' + seg.stage));
          svg.appendChild(bar);
        });
      });
    });
  }

  /** Bars over time: {name, start, end, label}. */
  function spans(host, x0, x1, items) {
    if (!items.length) { host.textContent = 'no workouts'; return; }
    frame(host, x0, x1, 26 + items.length * 16, (svg, x, y0) => {
      items.forEach((w, i) => {
        const bar = el('rect', { x: x(w.start), y: y0 + i * 16, width: Math.max(2, x(w.end) - x(w.start)), height: 12,
          fill: colourAt(i), class: 'workout' });
        bar.appendChild(el('title', {}, w.label));
        svg.appendChild(bar);
        svg.appendChild(el('text', { x: x(w.end) + 4, y: y0 + i * 16 + 10, 'font-size': 10, fill: '#333' }, w.label));
      });
    });
  }

  /** A local midnight as a time with its offset, as the API takes it. */
  function iso(date) {
    const off = -date.getTimezoneOffset();
    const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, '0');
    return date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate()) + 'T' + pad(date.getHours())
      + ':' + pad(date.getMinutes()) + ':00' + (off >= 0 ? '+' : '-') + pad(off / 60) + ':' + pad(off % 60);
  }

  function source(e) { return (e.data.provenance && e.data.provenance.provider) || e.source; }

  const LIMIT = 5000;

  /** One type's events in [from, to); a list marked {@code truncated} when the API had more than the limit. */
  async function events(user, type, from, to) {
    const q = new URLSearchParams({ user, type, from: iso(from), to: iso(to), limit: String(LIMIT) });
    const body = await (await api('/api/v1/events?' + q)).json();
    const list = (body.events || []).map((x) => x.event);
    list.truncated = body.truncated === true;
    list.type = type;
    return list;
  }

  async function show(user, day) {
    const from = new Date(day + 'T00:00:00');
    const to = new Date(from.getTime() + 86400000);
    const evening = new Date(from.getTime() - 6 * 3600000);
    const [person, hr, steps, sleep, workouts] = await Promise.all([
      api('/api/v1/users/' + encodeURIComponent(user)).then((r) => r.json()),
      events(user, 'health.heart_rate', from, to), events(user, 'health.steps', from, to),
      events(user, 'health.sleep_session', evening, to), events(user, 'health.workout', from, to)]);
    $('person-connections').textContent = (person.connections || []).map((c) => c.provider + ' (' + c.status
      + (c.last_sync_at ? ', synced ' + when(c.last_sync_at) : '') + ')').join(', ') || 'no connections';
    const cut = [hr, steps, sleep, workouts].filter((l) => l.truncated).map((l) => l.type);
    $('person-truncated').hidden = !cut.length;
    $('person-truncated').textContent = cut.length ? 'Only the first ' + LIMIT + ' events of ' + cut.join(', ')
      + ' are drawn: the day has more.' : '';
    const bySource = (list, points) => {
      const out = {};
      list.forEach((e) => { (out[source(e)] = out[source(e)] || []).push(...points(e)); });
      return Object.keys(out).sort().map((name) => ({ name, points: out[name] }));
    };
    lines($('person-hr'), from.getTime(), to.getTime(), bySource(hr, (e) => (e.data.samples || [])
      .map((s) => [Date.parse(s.time), s.value])), '/min');
    const cumulative = bySource(steps, (e) => [[Date.parse(e.data.end), e.data.value ? e.data.value.value : 0]])
      .map((s) => { let sum = 0; return { name: s.name, points: s.points.sort((a, b) => a[0] - b[0]).map((p) => [p[0], sum += p[1]]) }; });
    lines($('person-steps'), from.getTime(), to.getTime(), cumulative, 'steps');
    // a session without timed segments (stage durations only) shows as one span of sleep
    hypnogram($('person-sleep'), evening.getTime(), to.getTime(), sleep.map((e) => ({
      name: source(e), segments: (e.data.segments || [{ stage: 'asleep', start: e.data.start, end: e.data.end }])
        .map((s) => ({ stage: s.stage, start: Date.parse(s.start), end: Date.parse(s.end) })) })));
    spans($('person-workouts'), from.getTime(), to.getTime(), workouts.map((e) => ({ start: Date.parse(e.data.start),
      end: Date.parse(e.data.end), label: source(e) + ' ' + (e.data.sport || 'workout') })));
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const res = await api('/api/v1/users/' + encodeURIComponent(user) + '/days/' + day + '?zone=' + encodeURIComponent(zone));
    const reconciled = res.ok ? await res.json() : { totals: {} };
    fill('person-totals', Object.entries(reconciled.totals || {}), (tr, [type, t]) => {
      cell(tr, type);
      cell(tr, Math.round(t.value * 10) / 10 + ' ' + t.unit);
      cell(tr, t.sources.map((s) => s.source + ' ' + Math.round(s.value * 10) / 10).join(', '));
    });
  }

  async function users() {
    const body = await (await api('/api/v1/users?limit=100')).json();
    $('person-users').replaceChildren(...(body.users || []).map((u) => {
      const o = document.createElement('option');
      o.value = u.user_id;
      return o;
    }));
  }

  $('person-date').value = new Date().toLocaleDateString('sv');
  $('person-user').addEventListener('focus', () => users().catch(() => {}), { once: true });
  $('person-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    show($('person-user').value.trim(), $('person-date').value).catch((e) => { $('person-connections').textContent = String(e); });
  });
  return { show };
})();
