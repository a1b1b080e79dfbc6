// Harness for the typescript-fetch client openapi-generator makes from the spec (see ../run.py).
// Compiled with tsc next to the generated sources and run on Node's global fetch. The parse is
// printed through the generator's own ParticipantListToJSON, which writes the API's names.
// Each example is reached through its base URL (`<mock>/__example/NAME`): basePath may carry a path.
import { Configuration } from './runtime';
import { ParticipantsApi } from './apis';
import { ParticipantList, ParticipantListToJSON } from './models';
// Everything the client exports, for the operations run (by name: no code per operation).
import * as gen from './index';

// No @types/node: the two Node globals this file uses.
declare const require: (name: string) => any;
declare const process: { argv: string[]; stdout: { write(s: string): void }; exit(code: number): never };

interface Call { id: string; by: string; mpc: string; call_uuid: string | null }
interface Config {
  auth_id: string; auth_token: string; mpc_name: string; mpc_uuid: string;
  examples: Record<string, string>; requests_url: string; request_calls: Call[];
}

function api(cfg: Config, url: string): ParticipantsApi {
  return new ParticipantsApi(new Configuration({
    basePath: url, username: cfg.auth_id, password: cfg.auth_token,
  }));
}

async function listing(client: ParticipantsApi, cfg: Config, by: string, mpc: string,
                       callUuid?: string | null): Promise<ParticipantList> {
  const common = { authId: cfg.auth_id, callUuid: callUuid ?? undefined };
  return by === 'name'
    ? client.listParticipantsByName({ ...common, mpcName: mpc })
    : client.listParticipantsByUuid({ ...common, mpcUuid: mpc });
}

function errorText(e: unknown): string {
  const err = e as { name?: string; message?: string; response?: { status?: number } };
  const status = err.response?.status ? ` (HTTP ${err.response.status})` : '';
  return `${err.name ?? 'Error'}: ${err.message ?? String(e)}${status}`.slice(0, 500);
}

interface Example { name: string; status: number; model: string | null; url: string }
interface Operation {
  id: string; api: string; method: string; path: string; path_params: [string, string][];
  body: unknown; body_model: string | null; query: [string, unknown][]; examples: Example[];
}

// A parameter or schema name as typescript-fetch names the request field: mpc_name -> mpcName,
// StartMpcRequest -> startMpcRequest.
// end_time__gt -> endTimeGt.
function camel(name: string): string {
  const c = name.split(/_+/).filter((w) => w).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  return c.charAt(0).toLowerCase() + c.slice(1);
}

// Every operation of the spec, by name: the API class named by its tag, its method named by the
// operationId, one request object with the path values and the body built from the example by
// the generated <Model>FromJSON.
async function operations(cfg: Config & { operations: Operation[] }): Promise<void> {
  const lib = gen as unknown as Record<string, any>;
  const call = async (url: string, op: Operation, query: [string, unknown][]): Promise<unknown> => {
    const api = new lib[op.api](new Configuration({
      basePath: url, username: cfg.auth_id, password: cfg.auth_token,
    }));
    const params: Record<string, unknown> = {};
    for (const [name, value] of op.path_params) params[camel(name)] = value;
    for (const [name, value] of query) params[camel(name)] = value;
    if (op.body_model) params[camel(op.body_model)] = lib[`${op.body_model}FromJSON`](op.body);
    return api[op.id](params);
  };
  const outcome: Record<string, string> = {};
  for (const op of cfg.operations) {
    // Once without query parameters, and once with each at its example ("<id>+query").
    const runs: [string, [string, unknown][]][] = [[op.id, []]];
    if (op.query.length) runs.push([`${op.id}+query`, op.query]);
    for (const [key, query] of runs) {
      try {
        await call(cfg.requests_url, op, query);
        outcome[key] = 'ok';
      } catch (e) {
        outcome[key] = `error: ${errorText(e)}`.slice(0, 500);
      }
    }
  }
  // Every response example: the parse written back by the generated <Model>ToJSON (the API's
  // names), or the ResponseError's status and JSON body.
  const examples: Record<string, Record<string, unknown>> = {};
  for (const op of cfg.operations) {
    const parses: Record<string, unknown> = (examples[op.id] = {});
    for (const ex of op.examples) {
      try {
        const value = await call(ex.url, op, []);
        parses[ex.name] = ex.model && lib[`${ex.model}ToJSON`] ? lib[`${ex.model}ToJSON`](value) : value ?? null;
      } catch (e) {
        const err = e as { name?: string; message?: string; response?: { status: number; text(): Promise<string> } };
        const raised: Record<string, unknown> = { $raises: err.name ?? 'Error', $error: errorText(e) };
        if (err.response) {
          raised.$status = err.response.status;
          try { raised.$body = JSON.parse(await err.response.text()); } catch { /* no JSON body */ }
        }
        parses[ex.name] = raised;
      }
    }
  }
  process.stdout.write(JSON.stringify({ client: 'openapi-generator typescript-fetch', operations: outcome, examples }) + '\n');
}

async function main(): Promise<void> {
  const fs = require('fs');
  const cfg: Config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  if ('operations' in cfg) return operations(cfg as Config & { operations: Operation[] });
  const parses: Record<string, Record<string, unknown>> = {};
  for (const [name, url] of Object.entries(cfg.examples)) {
    const client = api(cfg, url);
    const both: Record<string, unknown> = {};
    for (const [key, by, mpc] of [['by_name', 'name', cfg.mpc_name], ['by_uuid', 'uuid', cfg.mpc_uuid]]) {
      try {
        both[key] = ParticipantListToJSON(await listing(client, cfg, by, mpc));
      } catch (e) {
        both[key] = { $error: errorText(e) };
      }
    }
    parses[name] = both;
  }
  const calls: Record<string, string> = {};
  const client = api(cfg, cfg.requests_url);
  for (const call of cfg.request_calls) {
    try {
      await listing(client, cfg, call.by, call.mpc, call.call_uuid);
      calls[call.id] = 'ok';
    } catch (e) {
      calls[call.id] = `error: ${errorText(e)}`.slice(0, 300);
    }
  }
  process.stdout.write(JSON.stringify({ client: 'openapi-generator typescript-fetch', parses, calls }) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
declare const console: { error(...a: unknown[]): void };
