// Load harness for Plivo's Node SDK (`plivo` on npm), run by `cargo xtask bench` with
// NODE_PATH pointing at the polyglot node_modules.
//
//   node node_load.js URL CONCURRENCY SECONDS WARMUP [list|add BODY_FILE]
//
// The SDK builds an axios instance per call with the API host hard-coded for voice calls (MPC
// included), so axios.create is wrapped before the SDK is loaded and each instance rewrites the
// host to URL (the recipe in the toolchain notes). CONCURRENCY async loops share one client and
// call listParticipants back to back, or (`add`) addParticipant with the role and whom to add
// (from and to, or call_uuid) of the spec's request example in BODY_FILE; one JSON line out, the same shape as bench-load's.
'use strict';

const [url, concArg, secondsArg, warmupArg, workArg, bodyFile] = process.argv.slice(2);
const work = workArg || 'list';
if (work !== 'list' && work !== 'add') throw new Error(`unknown work ${work} (list or add)`);
const body = work === 'add' ? JSON.parse(require('fs').readFileSync(bodyFile, 'utf8')) : null;
// Whom to add, as the example says it: dialled (`from`, `to`) or an existing call.
const who = { friendlyName: 'test_mpc_1' };
if (body) {
  for (const [key, param] of [['from', 'from'], ['to', 'to'], ['call_uuid', 'callUuid']]) {
    if (key in body) who[param] = body[key];
  }
}
const base = url.replace(/\/$/, '');
const axios = require('axios');
const create = axios.create.bind(axios);
axios.create = (cfg) => {
  const instance = create(cfg);
  instance.interceptors.request.use((c) => {
    c.url = c.url.replace(/^https:\/\/[^/]+/, base);
    return c;
  });
  return instance;
};
const plivo = require('plivo');

async function main() {
  const conc = Number(concArg);
  const client = new plivo.Client('MANWVLYTK4ZWU1YTY4QA', 'bench-token');
  const now = () => Number(process.hrtime.bigint()) / 1e3; // microseconds
  const warm = now() + Number(warmupArg) * 1e6;
  const stop = warm + Number(secondsArg) * 1e6;
  const lat = [];
  let errors = 0;
  async function loop() {
    for (;;) {
      const t = now();
      if (t >= stop) return;
      try {
        if (body) {
          // addParticipant deletes keys from its params: a new object each call.
          const r = await client.multiPartyCalls.addParticipant(body.role, { ...who });
          if (!r.calls) throw new Error('no calls');
        } else {
          const r = await client.multiPartyCalls.listParticipants({ friendlyName: 'test_mpc_1' });
          if (!r.objects) throw new Error('no objects');
        }
      } catch (e) {
        if (errors === 0) console.error(`node_load: ${e}`);
        errors += 1;
        continue;
      }
      if (t >= warm) lat.push(Math.round(now() - t));
    }
  }
  await Promise.all(Array.from({ length: conc }, loop));
  const elapsed = (now() - warm) / 1e6;
  lat.sort((a, b) => a - b);
  const pct = (p) => (lat.length ? lat[Math.min(Math.max(Math.ceil(lat.length * p), 1), lat.length) - 1] : 0);
  console.log(JSON.stringify({ client: 'node-sdk', work, concurrency: conc, requests: lat.length, errors,
    seconds: elapsed, rps: lat.length / elapsed, p50_us: pct(0.5), p99_us: pct(0.99) }));
}

main().catch((e) => { console.error(e); process.exit(1); });
