import { launchChromium } from '../browser/harness/chromium.ts';
import { ensureMainSite } from '../browser/harness/site-build.ts';
import { waitForTerminalText } from '../browser/harness/machines.ts';
import { serveStatic } from '../browser/harness/static-server.ts';
import { chromium } from 'playwright-core';
import { writeFileSync } from 'node:fs';
const server = await serveStatic(await ensureMainSite());
const browser = await launchChromium();
const page = await browser.context.newPage();
await page.goto(`${server.url}en/labs/form-swarm/`);
await waitForTerminalText(page, 'manager', /root@manager:~#/, 600_000);
if (!process.env.NOINSPECTOR) {
await page.getByTestId('open-inspector').click();
await page.getByTestId('inspector').waitFor();
await page.getByTestId('inspector-hide-gossip').uncheck();
await page.getByTestId('inspector-hide-arp').uncheck();
}
const type = async (command: string, node = 'manager') => { await page.getByTestId(`terminal-${node}`).click(); await page.keyboard.type(command); await page.keyboard.press('Enter'); };
await type('clear; iperf3 -s -1 -D');
await page.getByTestId('tab-worker1').click();
const cdp = await browser.context.newCDPSession(page);
const events: any[] = [];
cdp.on('Tracing.dataCollected', (d: any) => events.push(...d.value));
const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8,disabled-by-default-devtools.timeline.invalidationTracking', transferMode: 'ReportEvents' });
await type('clear; for try in 1 2 3 4 5; do iperf3 -c 10.0.3.62 -u -l 64 -b 1024K -t 10 && echo flood""-done && break; sleep 1; done', 'worker1');
await waitForTerminalText(page, 'worker1', /flood-done/, 300_000);
await cdp.send('Tracing.end'); await done;
// main thread of renderer: find tid of CrRendererMain
const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
const tasks = onMain.filter((e) => e.name === 'RunTask').sort((a, b) => b.dur - a.dur).slice(0, 6);
for (const task of tasks) {
  const inside = onMain.filter((e) => e.ts >= task.ts && e.ts + (e.dur ?? 0) <= task.ts + task.dur && e !== task);
  const sums = new Map<string, number>();
  for (const e of inside) sums.set(e.name, (sums.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
  console.log('task', Math.round(task.dur / 1000), 'ms:', [...sums].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k}=${Math.round(v)}`).join(' '));
}
const totals = new Map<string, number>();
for (const e of onMain) totals.set(e.name, (totals.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
console.log('totals', [...totals].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, v]) => `${k}=${Math.round(v)}`).join(' '));
const paints = onMain.filter((e) => e.name === 'Paint');
const byNode = new Map<string, [number, number]>();
for (const e of paints) { const k = JSON.stringify({ n: e.args?.data?.nodeId, c: e.args?.data?.clip?.slice?.(0, 8) }); const v = byNode.get(k) ?? [0, 0]; v[0]++; v[1] += e.dur / 1000; byNode.set(k, v); }
console.log('paints', paints.length, [...byNode].sort((a, b) => b[1][1] - a[1][1]).slice(0, 6));
console.log(JSON.stringify(paints[0]?.args).slice(0, 400));
const inv = new Map<string, number>();
for (const e of events) if (e.name === 'PaintInvalidationTracking' || e.name === 'LayoutInvalidationTracking' || e.name === 'StyleRecalcInvalidationTracking') { const k = e.name + ' ' + (e.args?.data?.nodeName ?? '?') + ' ' + (e.args?.data?.reason ?? ''); inv.set(k, (inv.get(k) ?? 0) + 1); }
console.log([...inv].sort((a, b) => b[1] - a[1]).slice(0, 25));
await browser.close(); await server.close(); process.exit(0);
