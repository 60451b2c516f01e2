// Charts of the operator dashboard: plain SVG made with DOM calls (no library, no build step, no innerHTML), with
// presentation attributes only, so the page's Content-Security-Policy (no inline style) holds.
'use strict';

const HbCharts = (() => {
  const NS = 'http://www.w3.org/2000/svg';
  const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22',
    '#7f7f7f', '#d62728'];

  function el(name, attrs, text) {
    const e = document.createElementNS(NS, name);
    Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, String(v)));
    if (text != null) { e.textContent = text; }
    return e;
  }

  /** A colour per name, stable across redraws as long as the names keep their order. */
  function colours(names, fixed) {
    const out = {};
    names.forEach((n, i) => { out[n] = (fixed && fixed[n]) || PALETTE[i % PALETTE.length]; });
    return out;
  }

  /**
   * Stacked bars, one per slot: {@code slots} the x labels (minutes), {@code series} [{name, values}], each value a
   * count for its slot. Every bar carries a title with its slot, series and count (shown on hover).
   */
  function stackedBars(host, slots, series, options) {
    // drawn at the host's own width in pixels, so text keeps its size whatever the panel's width
    const o = Object.assign({ width: Math.max(300, host.clientWidth || 900), height: 160, unit: '', fixed: null },
      options || {});
    const left = 44, bottom = 18, top = 8;
    const plotW = o.width - left - 4, plotH = o.height - bottom - top;
    const totals = slots.map((_, i) => series.reduce((s, x) => s + (x.values[i] || 0), 0));
    const max = Math.max(1, ...totals);
    const svg = el('svg', { viewBox: '0 0 ' + o.width + ' ' + o.height, width: o.width, height: o.height, role: 'img',
      'aria-label': o.label || 'chart', class: 'chart' });
    // y axis: zero and the maximum
    svg.appendChild(el('line', { x1: left, y1: top + plotH, x2: o.width - 4, y2: top + plotH, stroke: '#999' }));
    svg.appendChild(el('text', { x: left - 6, y: top + 10, 'text-anchor': 'end', 'font-size': 11, fill: '#555' }, max));
    svg.appendChild(el('text', { x: left - 6, y: top + plotH, 'text-anchor': 'end', 'font-size': 11, fill: '#555' }, 0));
    const step = plotW / slots.length;
    const colour = colours(series.map((s) => s.name), o.fixed);
    slots.forEach((slot, i) => {
      let y = top + plotH;
      series.forEach((s) => {
        const v = s.values[i] || 0;
        if (v <= 0) { return; }
        const h = Math.max(1, v / max * plotH);
        y -= h;
        const bar = el('rect', { x: left + i * step + 1, y, width: Math.max(1, step - 2), height: h,
          fill: colour[s.name], class: 'bar' });
        bar.appendChild(el('title', {}, slot + ' · ' + s.name + ': ' + v + (o.unit ? ' ' + o.unit : '')));
        svg.appendChild(bar);
      });
      if (i % 10 === 0) {
        svg.appendChild(el('text', { x: left + i * step, y: o.height - 4, 'font-size': 11, fill: '#555' }, slot));
      }
    });
    host.replaceChildren(svg, legend(series.map((s) => s.name), colour));
  }

  function legend(names, colour) {
    const p = document.createElement('p');
    p.className = 'legend';
    names.forEach((n) => {
      const item = document.createElement('span');
      const swatch = el('svg', { width: 10, height: 10 });
      swatch.appendChild(el('rect', { width: 10, height: 10, fill: colour[n] }));
      item.append(swatch, document.createTextNode(' ' + n + '  '));
      p.appendChild(item);
    });
    return p;
  }

  /** The dashboard's last hour (GET /api/v1/activity): events per minute by provider, webhook attempts. */
  function activity(body, eventsHost, webhooksHost, summary, lagHost) {
    const now = new Date(body.now); // the runtime's minute: a browser's clock may be off
    const slots = [];
    const index = {};
    for (let i = 59; i >= 0; i--) {
      const t = new Date(now.getTime() - i * 60000);
      index[t.toISOString().replace('.000Z', 'Z')] = slots.length;
      slots.push(t.toTimeString().slice(0, 5));
    }
    const byProvider = {};
    const delivered = new Array(60).fill(0);
    const failed = new Array(60).fill(0);
    const latency = new Array(60).fill(null);
    const lagBySink = {};
    const perEndpoint = {};
    let total = 0;
    for (const m of body.minutes || []) {
      const i = index[m.at];
      if (i == null) { continue; }
      for (const [provider, types] of Object.entries(m.events)) {
        const n = Object.values(types).reduce((a, b) => a + b, 0);
        (byProvider[provider] = byProvider[provider] || new Array(60).fill(0))[i] += n;
        total += n;
      }
      delivered[i] += m.webhooks.delivered;
      failed[i] += m.webhooks.failed;
      if (m.webhooks.latency_ms_mean != null) { latency[i] = m.webhooks.latency_ms_mean; }
      for (const [id, e] of Object.entries(m.webhooks.endpoints || {})) {
        const ep = perEndpoint[id] = perEndpoint[id] || { delivered: new Array(60).fill(0), failed: new Array(60).fill(0) };
        ep.delivered[i] += e.delivered;
        ep.failed[i] += e.failed;
      }
      for (const [sink, lag] of Object.entries(m.sink_lag || {})) {
        (lagBySink[sink] = lagBySink[sink] || new Array(60).fill(0))[i] = lag;
      }
    }
    const means = latency.filter((x) => x != null);
    summary.textContent = total + ' events in the last hour; webhook attempts '
      + delivered.reduce((a, b) => a + b, 0) + ' delivered, ' + failed.reduce((a, b) => a + b, 0) + ' failed'
      + (means.length ? ', mean latency ' + Math.round(means.reduce((a, b) => a + b, 0) / means.length) + ' ms' : '');
    stackedBars(eventsHost, slots, Object.keys(byProvider).sort()
      .map((p) => ({ name: p, values: byProvider[p] })), { label: 'events per minute by provider', unit: 'events' });
    // per endpoint when the runtime says which (delivered in the endpoint's colour, failed in red), else in all
    const ids = Object.keys(perEndpoint).sort();
    const failedRed = {};
    const webhookSeries = ids.length ? ids.flatMap((id) => {
      failedRed[id.slice(0, 8) + ' failed'] = '#b00020';
      return [{ name: id.slice(0, 8) + ' delivered', values: perEndpoint[id].delivered },
        { name: id.slice(0, 8) + ' failed', values: perEndpoint[id].failed }];
    }) : [{ name: 'delivered', values: delivered }, { name: 'failed', values: failed }];
    stackedBars(webhooksHost, slots, webhookSeries, { height: 110, label: 'webhook attempts per minute', unit: 'attempts',
      fixed: ids.length ? failedRed : { delivered: '#2e7d32', failed: '#b00020' } });
    // each minute's bar carries its mean latency in its title
    webhooksHost.querySelectorAll('rect.bar').forEach((bar) => {
      const t = bar.querySelector('title');
      const i = slots.indexOf(t.textContent.split(' · ')[0]);
      if (i >= 0 && latency[i] != null) { t.textContent += ' (mean latency ' + latency[i] + ' ms)'; }
    });
    if (lagHost) {
      const sinks = Object.keys(lagBySink).sort();
      if (sinks.length) {
        stackedBars(lagHost, slots, sinks.map((k) => ({ name: k, values: lagBySink[k] })),
          { height: 90, label: 'sink lag (events behind)', unit: 'events behind' });
      } else {
        lagHost.textContent = 'no route-file sink running';
      }
    }
  }

  return { stackedBars, activity, el, colours, legend, PALETTE };
})();
