// End-to-end test of the dashboard in headless Chromium, driven by DashboardBrowserTest (Java), which starts the
// runtime, publishes events and checks the webhook receiver. This script talks to the test through its standard
// streams: it prints a STEP line when a step is done, and waits for a GO line on stdin where the test must act first.
import { chromium } from 'playwright-core';
import readline from 'node:readline';

const base = process.env.HB_URL;
const user = process.env.HB_USER;
const password = process.env.HB_PASSWORD;
const shots = process.env.HB_SCREENSHOTS;
const lines = readline.createInterface({ input: process.stdin });
const waiting = [];
lines.on('line', (l) => { const w = waiting.shift(); if (w) { w(l); } });
const go = () => new Promise((resolve) => waiting.push(resolve));
const step = (s) => console.log('STEP ' + s);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
let page = null;
try {
  page = await browser.newPage();
  page.on('pageerror', (e) => console.log('PAGE-ERROR ' + e.message));
  page.setDefaultTimeout(20000);
  await page.goto(base + '/');
  // the sign-in page shows the form alone: no panel of the app, empty or not
  const shown = await page.evaluate(() => getComputedStyle(document.querySelector('#app')).display);
  if (shown !== 'none') { throw new Error('the app panels show under the sign-in form (display: ' + shown + ')'); }
  if (shots) { await page.screenshot({ path: shots + '/dashboard-sign-in.png', fullPage: true }); }

  // a wrong password is refused on the page
  await page.fill('#username', user);
  await page.fill('#password', 'not-the-password');
  await page.click('#login-button');
  await page.waitForFunction(() => document.querySelector('#login-error').textContent.includes('invalid'));
  step('login-refused');

  await page.fill('#password', password);
  await page.click('#login-button');
  await page.waitForSelector('#app:not([hidden])');
  await page.waitForFunction(() => document.querySelector('#ws-status').textContent === 'live');
  step('logged-in');

  // what was published before the page opened shows at once, and the last hour's chart has its bars
  await page.waitForSelector('#events tbody tr td:text-is("history-user")');
  await page.waitForFunction(() => document.querySelectorAll('#activity-events rect.bar').length > 0);
  if (shots) { await page.locator('#activity-panel').screenshot({ path: shots + '/dashboard-activity.png' }); }
  step('history');

  // the test publishes an event now; it must appear without a reload
  await go();
  await page.waitForSelector('#events tbody tr td:text-is("browser-user")');
  const rows = await page.locator('#events tbody tr').count();
  step('event-live ' + rows);

  // a person's day: the night's hypnogram of the sleep just published, then another person's heart rate line
  await page.fill('#person-user', 'browser-user');
  await page.fill('#person-date', '2026-11-20');
  await page.click('#person-form button');
  await page.waitForFunction(() => document.querySelectorAll('#person-sleep rect.segment').length > 0);
  await page.fill('#person-user', 'history-user');
  await page.click('#person-form button');
  await page.waitForFunction(() => document.querySelectorAll('#person-hr path.line').length > 0);
  if (!(await page.locator('#person-truncated').isHidden())) { throw new Error('a small day is said to be cut'); }
  if (shots) { await page.locator('#person-panel').screenshot({ path: shots + '/dashboard-person.png' }); }
  // a day with more events of a type than are drawn says so
  await page.fill('#person-user', 'busy-user');
  await page.fill('#person-date', '2026-11-21');
  await page.click('#person-form button');
  await page.waitForFunction(() => !document.querySelector('#person-truncated').hidden
    && document.querySelector('#person-truncated').textContent.includes('health.heart_rate'));
  if (shots) { await page.locator('#person-panel').screenshot({ path: shots + '/dashboard-person-cut.png' }); }
  step('person');

  // routes and integrations panels show the runtime's state
  await page.waitForSelector('#routes tbody tr td:text-is("webhook-dispatch")');
  await page.waitForSelector('#integrations tbody tr td:text-is("oura")');
  // a route-file sink shows with its counts
  await page.waitForSelector('#sinks tbody tr td:text-is("dash-sink (dash-sink-route)")');
  step('panels');

  // route control: stop a route file's route with its button, the test checks it stopped serving, then start it
  const helloRow = page.locator('#routes tbody tr[data-route-id="dash-hello"]');
  await helloRow.locator('button', { hasText: 'Stop' }).click();
  await page.waitForFunction(() => document.querySelector('#route-result').textContent === 'dash-hello: Stopped');
  await helloRow.locator('td:text-is("Stopped (held by an operator)")').waitFor();
  if (shots) { await page.locator('#routes-panel').screenshot({ path: shots + '/dashboard-routes-stopped.png' }); }
  step('route-stopped');
  await go();
  await helloRow.locator('button', { hasText: 'Start' }).click();
  await page.waitForFunction(() => document.querySelector('#route-result').textContent === 'dash-hello: Started');
  await helloRow.locator('td:text-is("Started")').waitFor();
  step('route-started');

  // the message tracer: trace the route, the test calls it with a secret header, the panel shows it masked
  await helloRow.locator('button', { hasText: 'Trace' }).click();
  await page.waitForSelector('#trace-panel:not([hidden])');
  step('tracing');
  await go();
  await page.waitForFunction(() => document.querySelectorAll('#trace tbody tr').length > 0);
  const traced = await page.locator('#trace-panel').textContent();
  if (traced.includes('trace-me-secret')) { throw new Error('the trace panel shows a secret header unmasked'); }
  if (shots) { await page.locator('#trace-panel').screenshot({ path: shots + '/dashboard-trace.png' }); }
  await page.click('#trace-stop');
  await page.waitForSelector('#trace-panel', { state: 'hidden' });
  step('traced');

  // a failed delivery shows up with a retry button; the test makes the receiver answer 200 before the click
  const failedRow = page.locator('#failed-deliveries tbody tr').first();
  await failedRow.waitFor();
  const deliveryId = await failedRow.getAttribute('data-delivery-id');
  step('failed-delivery ' + deliveryId);
  await go();
  await failedRow.locator('button', { hasText: 'Retry' }).click();
  // the panel refreshes: the delivery is no longer failed and the endpoint counts it delivered
  await page.waitForFunction((id) => !document.querySelector('#failed-deliveries tr[data-delivery-id="' + id + '"]'),
    deliveryId);
  await page.waitForFunction(() => {
    const cell = document.querySelector('#webhooks tbody tr td.delivered');
    return cell && Number(cell.textContent) >= 1;
  });
  step('retried');
  if (shots) { await page.screenshot({ path: shots + '/dashboard.png', fullPage: true }); }

  // the API console in the same tab: "Try it out" runs with the operator's token, no key pasted
  await page.goto(base + '/api/docs');
  const op = page.locator('.opblock-get:has(.opblock-summary-path[data-path="/api/v1/status"])').first();
  await op.locator('.opblock-summary').click();
  await op.locator('button.try-out__btn').click();
  await op.locator('button.execute').click();
  const status = op.locator('.live-responses-table tr.response .response-col_status').first();
  await status.waitFor();
  if (shots) { await page.screenshot({ path: shots + '/api-docs.png', fullPage: false }); }
  const answered = (await status.textContent()).trim();
  if (!answered.startsWith('200')) {
    throw new Error('the console\'s call answered ' + answered + ': ' + await op.locator('.live-responses-table').textContent());
  }
  step('api-docs');
  await page.goto(base + '/');
  await page.waitForSelector('#app:not([hidden])');

  await page.click('#logout');
  await page.waitForSelector('#login-view:not([hidden])');
  step('logged-out');
} catch (e) {
  failed = true;
  // what the page showed when the step failed, before the test hears of it (it then ends this process)
  if (page && shots) { await page.screenshot({ path: shots + '/dashboard-failure.png', fullPage: true }).catch(() => {}); }
  console.log('FAILED ' + (e && e.stack || e));
} finally {
  await browser.close();
  lines.close();
}
process.exit(failed ? 1 : 0);
