"""Harness for Plivo's Python SDK (`plivo` on PyPI), pointed at the mock (see ../run.py).

The SDK has no base-URL option: Client.request() re-reads the module globals
PLIVO_API_BASE_URI / API_VOICE_BASE_URI(_FALLBACK_1/2) on every call, so they are set per
example, to the example's base URL (`<mock>/__example/NAME`) followed by `/v1/Account`. (It could
not send a Prefer header: its session headers are fixed per request.)
"""

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


def main():
    cfg = json.load(open(sys.argv[1]))
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
