// Harness for Plivo's Node SDK (`plivo` on npm), pointed at the mock (see ../run.py).
//
// The SDK's `url` option is not used for voice requests (MPC included): their base URLs are
// hard-coded in dist/rest/axios.js, and each call makes a fresh instance with axios.create().
// So axios.create is wrapped before the SDK is loaded: every instance gets a request
// interceptor that sends the request to the current base URL (the example's
// `<mock>/__example/NAME`, a path included) instead of Plivo's host. The SDK camel-cases every response key (memberId, apiId); the
// output maps them back to Plivo's snake_case names.
'use strict';
const fs = require('fs');
const axios = require('axios');

let base = null;
const create = axios.create.bind(axios);
axios.create = (config) => {
  const instance = create(config);
  instance.interceptors.request.use((c) => {
    c.url = c.url.replace(/^https?:\/\/[^/]+/, base);
    return c;
  });
  return instance;
};
const plivo = require('plivo');

const snake = (k) => k.replace(/[A-Z]/g, (m) => '_' + m.toLowerCase());
function plain(v) {
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    const out = {};
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === 'function' || k === 'client') continue;
      out[snake(k)] = plain(x);
    }
    return out;
  }
  return v;
}

async function listing(client, by, mpc, callUuid) {
  const params = by === 'name' ? { friendlyName: mpc } : { uuid: mpc };
  if (callUuid) params.callUuid = callUuid;
  return plain(await client.multiPartyCalls.listParticipants(params));
}

const errorText = (e) => `${(e && e.constructor && e.constructor.name) || 'Error'}: ${e && e.message}`.slice(0, 500);

async function main() {
  const cfg = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const client = new plivo.Client(cfg.auth_id, cfg.auth_token);
  const parses = {};
  for (const [name, url] of Object.entries(cfg.examples)) {
    base = url;
    const both = {};
    for (const [key, by, mpc] of [['by_name', 'name', cfg.mpc_name], ['by_uuid', 'uuid', cfg.mpc_uuid]]) {
      try {
        both[key] = await listing(client, by, mpc);
      } catch (e) {
        both[key] = { $error: errorText(e) };
      }
    }
    parses[name] = both;
  }
  base = cfg.requests_url;
  const calls = {};
  for (const call of cfg.request_calls) {
    try {
      await listing(client, call.by, call.mpc, call.call_uuid);
      calls[call.id] = 'ok';
    } catch (e) {
      calls[call.id] = `error: ${errorText(e)}`.slice(0, 300);
    }
  }
  const version = require('plivo/package.json').version;
  process.stdout.write(JSON.stringify({ client: `plivo (Node) ${version}`, parses, calls }) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
