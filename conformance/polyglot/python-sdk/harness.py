"""Harness for Plivo's Python SDK (`plivo` on PyPI), pointed at the mock (see ../run.py).

The SDK has no base-URL option: Client.request() re-reads the module globals
PLIVO_API_BASE_URI / API_VOICE_BASE_URI(_FALLBACK_1/2) on every call, so they are set per
example, to the example's base URL (`<mock>/__example/NAME`) followed by `/v1/Account`. (It could
not send a Prefer header: its session headers are fixed per request.)
"""

import inspect
import json
import sys

from importlib import metadata

import plivo
import plivo.rest.client as rest

BASES = ("PLIVO_API_BASE_URI", "API_VOICE_BASE_URI", "API_VOICE_BASE_URI_FALLBACK_1",
         "API_VOICE_BASE_URI_FALLBACK_2")


def point_at(url):
    for name in BASES:
        setattr(rest, name, url.rstrip("/") + "/v1/Account")


def plain(value):
    """The SDK's ResponseObject / ListResponseObject as plain JSON, keys as Plivo sent them."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "__dict__") and not isinstance(value, (str, int, float, bool)):
        # Every attribute but the SDK's own: `client` (the RestClient) and private ones.
        return {k: plain(v) for k, v in vars(value).items()
                if k != "client" and not k.startswith("_")}
    return value


def listing(client, by, mpc, call_uuid=None):
    kwargs = {"friendly_name" if by == "name" else "uuid": mpc}
    if call_uuid:
        kwargs["call_uuid"] = call_uuid
    return plain(client.multi_party_calls.list_participants(**kwargs))


# The operations run (see ../matrix/orchestrate.py): each operation of the spec that the SDK
# implements, as its method of client.multi_party_calls, by the operationId without its
# ByName/ByUuid ending; an operation missing here has no method in the SDK.
METHODS = {
    "listMpcs": "list", "getMpc": "get", "startMpc": "start", "endMpc": "stop",
    "startMpcRecording": "start_recording", "stopMpcRecording": "stop_recording",
    "pauseMpcRecording": "pause_recording", "resumeMpcRecording": "resume_recording",
    "addParticipant": "add_participant", "listParticipants": "list_participants",
    "getParticipant": "get_participant", "updateParticipant": "update_participant",
    "kickParticipant": "kick_participant",
    "startParticipantRecording": "start_participant_recording",
    "stopParticipantRecording": "stop_participant_recording",
    "pauseParticipantRecording": "pause_participant_recording",
    "resumeParticipantRecording": "resume_participant_recording",
    "startPlayAudio": "start_play_audio", "stopPlayAudio": "stop_play_audio",
}
# The SDK's argument for an API name where they differ (path values, body fields, query).
ARGUMENTS = {"mpc_name": "friendly_name", "mpc_uuid": "uuid", "member_id": "participant_id",
             "from": "from_", "to": "to_"}


def call_operation(client, op, query):
    """Calls the SDK's method for op with the path values, the body example's fields and the
    query as its arguments; a field it has no argument for is left out (the runner then finds
    it missing from the request)."""
    base = op["id"].removesuffix("ByName").removesuffix("ByUuid")
    if base not in METHODS:
        return "unsupported: the SDK has no method for it"
    method = getattr(client.multi_party_calls, METHODS[base])
    accepted = inspect.signature(method).parameters
    values = {k: v for k, v in op["path_params"] if k != "auth_id"}
    values.update(op["body"] or {})
    values.update(query)
    kwargs = {ARGUMENTS.get(k, k): v for k, v in values.items()}
    return plain(method(**{k: v for k, v in kwargs.items() if k in accepted}))


def raised(e):
    """An SDK exception as the runner compares it: it carries the body's `error` message only
    (plivo/rest/client.py process_response), no status and no body."""
    return {"$raises": type(e).__name__, "$message": str(e), "$error": str(e)[:300]}


def operations(cfg):
    client = plivo.RestClient(cfg["auth_id"], cfg["auth_token"])
    point_at(cfg["requests_url"])
    outcome = {}
    for op in cfg["operations"]:
        runs = [(op["id"], {})] + ([(op["id"] + "+query", dict(op["query"]))] if op["query"]
                                   else [])
        for key, query in runs:
            try:
                said = call_operation(client, op, query)
                outcome[key] = said if unsupported(said) else "ok"
            except Exception as e:
                outcome[key] = f"error: {type(e).__name__}: {e}"[:500]
    examples = {}
    for op in cfg["operations"]:
        if unsupported(outcome.get(op["id"])):
            continue
        parses = examples[op["id"]] = {}
        for ex in op["examples"]:
            point_at(ex["url"])
            # A client per example: after a 5XX the SDK stays on its fallback base URI
            # (voice_retry_count is never reset), which here would be another example's.
            fresh = plivo.RestClient(cfg["auth_id"], cfg["auth_token"])
            try:
                parses[ex["name"]] = call_operation(fresh, op, {})
            except Exception as e:  # compared with the Rust client's reading
                parses[ex["name"]] = raised(e)
    print(json.dumps({"client": "plivo (Python) " + metadata.version("plivo"),
                      "operations": outcome, "examples": examples}, sort_keys=True, default=str))


def unsupported(said):
    return isinstance(said, str) and said.startswith("unsupported")


def main():
    cfg = json.load(open(sys.argv[1]))
    if "operations" in cfg:
        return operations(cfg)
    client = plivo.RestClient(cfg["auth_id"], cfg["auth_token"])
    parses = {}
    for name, url in cfg["examples"].items():
        point_at(url)
        both = {}
        for key, by, mpc in (("by_name", "name", cfg["mpc_name"]),
                             ("by_uuid", "uuid", cfg["mpc_uuid"])):
            try:
                both[key] = listing(client, by, mpc)
            except Exception as e:
                both[key] = {"$error": f"{type(e).__name__}: {e}"[:500]}
        parses[name] = both
    point_at(cfg["requests_url"])
    calls = {}
    for call in cfg["request_calls"]:
        try:
            listing(client, call["by"], call["mpc"], call["call_uuid"])
            calls[call["id"]] = "ok"
        except Exception as e:
            calls[call["id"]] = f"error: {type(e).__name__}: {e}"[:300]
    print(json.dumps({"client": "plivo (Python) " + metadata.version("plivo"), "parses": parses,
                      "calls": calls}, sort_keys=True, default=str))


main()
