"""Harness for the Python client openapi-generator makes from the spec (see ../run.py).

Each example is reached through its base URL (`<mock>/__example/NAME`): `host` may carry a path.
"""

import json
import re
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


def snake(name):
    """An operationId as the generator names its method: startMpcByName -> start_mpc_by_name."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def call_operation(cfg, url, op, query):
    """One operation, by reflection: the API class named by its tag, the method named by its
    operationId, the path values in order, and the body built from the example with the model
    class named by the requestBody schema. Returns the answer as JSON with the API's names."""
    client = plivo_mpc_gen.ApiClient(plivo_mpc_gen.Configuration(
        host=url, username=cfg["auth_id"], password=cfg["auth_token"]))
    api = getattr(plivo_mpc_gen, op["api"])(client)
    args = [value for _, value in op["path_params"]]
    if op["body_model"]:
        args.append(getattr(plivo_mpc_gen, op["body_model"]).from_dict(op["body"]))
    answer = getattr(api, snake(op["id"]))(*args, **query)
    return answer.to_dict() if answer is not None and hasattr(answer, "to_dict") else answer


def raised(e):
    """An exception as the runner compares it: its type, and the status and body it carries."""
    out = {"$raises": type(e).__name__, "$error": str(e)[:300]}
    if getattr(e, "status", None) is not None:
        out["$status"] = e.status
    try:
        out["$body"] = json.loads(e.body)
    except (AttributeError, TypeError, ValueError):
        pass
    return out


def operations(cfg):
    """Every operation of the spec, then every response example of each (see ../run.py)."""
    outcome = {}
    for op in cfg["operations"]:
        # Once without query parameters, and once with each at its example (keyword arguments
        # named as in the spec), reported as "<id>+query".
        for key, query in ((op["id"], {}), (op["id"] + "+query", dict(op["query"]))):
            if key != op["id"] and not query:
                continue
            try:
                call_operation(cfg, cfg["requests_url"], op, query)
                outcome[key] = "ok"
            except Exception as e:  # reported in the matrix
                outcome[key] = f"error: {type(e).__name__}: {e}"[:500]
    examples = {}
    for op in cfg["operations"]:
        parses = examples[op["id"]] = {}
        for ex in op["examples"]:
            try:
                parses[ex["name"]] = call_operation(cfg, ex["url"], op, {})
            except Exception as e:  # compared with the Rust client's reading
                parses[ex["name"]] = raised(e)
    print(json.dumps({"client": f"openapi-generator python ({plivo_mpc_gen.__version__})",
                      "operations": outcome, "examples": examples}, sort_keys=True, default=str))


def main():
    cfg = json.load(open(sys.argv[1]))
    if "operations" in cfg:
        return operations(cfg)
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
