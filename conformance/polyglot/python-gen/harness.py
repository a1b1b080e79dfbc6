"""Harness for the Python client openapi-generator makes from the spec (see ../run.py).

Each example is reached through its base URL (`<mock>/__example/NAME`): `host` may carry a path.
"""

import json
import sys

import plivo_mpc_gen
from plivo_mpc_gen.api.participants_api import ParticipantsApi


def api(cfg, url):
    conf = plivo_mpc_gen.Configuration(host=url, username=cfg["auth_id"],
                                       password=cfg["auth_token"])
    return ParticipantsApi(plivo_mpc_gen.ApiClient(conf))


def listing(client, cfg, by, mpc, call_uuid=None):
    call = client.list_participants_by_name if by == "name" else client.list_participants_by_uuid
    kwargs = {"mpc_name" if by == "name" else "mpc_uuid": mpc}
    if call_uuid:
        kwargs["call_uuid"] = call_uuid
    return call(cfg["auth_id"], **kwargs).to_dict()


def main():
    cfg = json.load(open(sys.argv[1]))
    parses = {}
    for name, url in cfg["examples"].items():
        client, both = api(cfg, url), {}
        for key, by, mpc in (("by_name", "name", cfg["mpc_name"]),
                             ("by_uuid", "uuid", cfg["mpc_uuid"])):
            try:
                both[key] = listing(client, cfg, by, mpc)
            except Exception as e:  # reported in the matrix
                both[key] = {"$error": f"{type(e).__name__}: {e}"[:500]}
        parses[name] = both
    calls = {}
    client = api(cfg, cfg["requests_url"])
    for call in cfg["request_calls"]:
        try:
            listing(client, cfg, call["by"], call["mpc"], call["call_uuid"])
            calls[call["id"]] = "ok"
        except Exception as e:
            calls[call["id"]] = f"error: {type(e).__name__}: {e}"[:300]
    print(json.dumps({"client": f"openapi-generator python ({plivo_mpc_gen.__version__})",
                      "parses": parses, "calls": calls}, sort_keys=True))


main()
