// Harness for Plivo's Node SDK (`plivo` on npm), pointed at the mock (see ../run.py).
//
// The SDK's `url` option is not used for voice requests (MPC included): their base URLs are
// hard-coded in dist/rest/axios.js, and each call makes a fresh instance with axios.create().
// So axios.create is wrapped before the SDK is loaded: every instance gets a request
// interceptor that sends the request to the current base URL (the example's
// `<mock>/__example/NAME`, a path included) instead of Plivo's host. The SDK camel-cases every
// response key (memberId, apiId); the output prints each under the API's own name (see apiName).
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

// Every property name of the spec's schemas (the config's api_names, see
// ../matrix/orchestrate.py). A key of the SDK prints as the API's name it stands for: itself
// when it is one (the API spells mpcMemberId in camelCase), else its snake_case form when that
// is one; any other key stays as the SDK spells it, so the difference it makes is the SDK's.
let apiNames = new Set();
const snake = (k) => k.replace(/[A-Z]/g, (m) => '_' + m.toLowerCase());
const apiName = (k) => (apiNames.has(k) || !apiNames.has(snake(k)) ? k : snake(k));
function plain(v) {
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    const out = {};
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === 'function' || k === 'client') continue;
      out[apiName(k)] = plain(x);
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

// The operations run (see ../matrix/orchestrate.py): each operation of the spec that the SDK
// implements, as its method of client.multiPartyCalls, by the operationId without its
// ByName/ByUuid ending, with the API names it takes as positional arguments before its params
// object; an operation missing here has no method in the SDK.
const METHODS = {
  listMpcs: ['list', []], getMpc: ['get', []], startMpc: ['start', []], endMpc: ['stop', []],
  startMpcRecording: ['startRecording', []], stopMpcRecording: ['stopRecording', []],
  pauseMpcRecording: ['pauseRecording', []], resumeMpcRecording: ['resumeRecording', []],
  addParticipant: ['addParticipant', ['role']], listParticipants: ['listParticipants', []],
  getParticipant: ['getParticipant', ['member_id']],
  updateParticipant: ['updateParticipant', ['member_id']],
  kickParticipant: ['kickParticipant', ['member_id']],
  startParticipantRecording: ['startParticipantRecording', ['member_id']],
  stopParticipantRecording: ['stopParticipantRecording', ['member_id']],
  pauseParticipantRecording: ['pauseParticipantRecording', ['member_id']],
  resumeParticipantRecording: ['resumeParticipantRecording', ['member_id']],
  startPlayAudio: ['startPlayAudio', ['member_id', 'url']],
  stopPlayAudio: ['stopPlayAudio', ['member_id']],
};
// The SDK's params key for an API name: camelCase (it snake-cases them back on the wire),
// except the date filters, which it takes as the API spells them (`end_time__gt`).
const ARGUMENTS = { mpc_name: 'friendlyName', mpc_uuid: 'uuid' };
const camel = (k) => ARGUMENTS[k] || (k.includes('__') ? k : k.replace(/_([a-z])/g, (_, c) => c.toUpperCase()));

async function callOperation(client, op, query) {
  const entry = METHODS[op.id.replace(/By(Name|Uuid)$/, '')];
  if (!entry) return 'unsupported: the SDK has no method for it';
  const [method, positional] = entry;
  const values = Object.fromEntries(op.path_params.filter(([k]) => k !== 'auth_id'));
  Object.assign(values, op.body || {}, Object.fromEntries(query));
  const args = positional.map((k) => values[k]);
  const params = {};
  for (const [k, v] of Object.entries(values)) {
    if (!positional.includes(k)) params[camel(k)] = v;
  }
  return plain(await client.multiPartyCalls[method](...args, params));
}

// What the SDK rejects with, as the runner compares it (dist/rest/axios.js): an exception class
// chosen by status whose message is the JSON body (a 2xx-looking answer with another status) or
// the axios error's text; the status and body only when the rejection still carries the
// axios response.
function raised(e) {
  const out = { $raises: (e && e.constructor && e.constructor.name) || typeof e, $error: errorText(e) };
  if (e && e.response) {
    out.$status = e.response.status;
    out.$body = e.response.data;
    return out;
  }
  try {
    const body = JSON.parse(e && e.message);
    if (body && typeof body === 'object') out.$body = plain(body);
  } catch (_) {
    // the message is not a body
  }
  return out;
}

async function operations(cfg) {
  const client = new plivo.Client(cfg.auth_id, cfg.auth_token);
  base = cfg.requests_url;
  const outcome = {};
  for (const op of cfg.operations) {
    const runs = [[op.id, []]];
    if (op.query.length) runs.push([`${op.id}+query`, op.query]);
    for (const [key, query] of runs) {
      try {
        const answer = await callOperation(client, op, query);
        outcome[key] = typeof answer === 'string' && answer.startsWith('unsupported') ? answer : 'ok';
      } catch (e) {
        outcome[key] = `error: ${errorText(e)}`;
      }
    }
  }
  // Every response example of each operation it implements, from the base URL that serves it.
  const examples = {};
  for (const op of cfg.operations) {
    if (outcome[op.id].startsWith('unsupported')) continue;
    examples[op.id] = {};
    for (const ex of op.examples) {
      base = ex.url;
      try {
        examples[op.id][ex.name] = (await callOperation(client, op, [])) ?? null;
      } catch (e) {
        examples[op.id][ex.name] = raised(e);
      }
    }
  }
  const version = require('plivo/package.json').version;
  process.stdout.write(JSON.stringify({ client: `plivo (Node) ${version}`, operations: outcome, examples }) + '\n');
}

async function main() {
  const cfg = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  apiNames = new Set(cfg.api_names);
  if (cfg.operations) return operations(cfg);
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
