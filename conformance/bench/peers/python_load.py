"""Load harness for the Python peers, run by `cargo xtask bench` with the polyglot venv.

    python python_load.py sdk|gen URL CONCURRENCY SECONDS WARMUP [list|add BODY_FILE]

sdk: Plivo's Python SDK (`plivo` on PyPI), pointed at URL by the module-global recipe in
     /work/shared/reference/toolchain-notes.md (its base URIs are read from module globals);
gen: openapi-generator's Python client (`-g python`, package plivo_mpc_gen on PYTHONPATH).
Each of CONCURRENCY threads holds its own client (the SDK's requests.Session and the
generated client's urllib3 pool keep the connection alive) and makes its call back to back: the
list call, or (`add`) the write call with the spec's request example in BODY_FILE (the SDK is
given the example's role and whom to add (from and to, or call_uuid) and sends its defaults for the rest, which the example
holds); one JSON line out, the same shape as bench-load's.
"""

import json
import sys
import threading
import time

AUTH_ID = "MANWVLYTK4ZWU1YTY4QA"
TOKEN = "bench-token"
NAME = "test_mpc_1"


def sdk_caller(url, body):
    import plivo
    import plivo.rest.client as pc

    for n in ("PLIVO_API_BASE_URI", "API_VOICE_BASE_URI", "API_VOICE_BASE_URI_FALLBACK_1",
              "API_VOICE_BASE_URI_FALLBACK_2"):
        setattr(pc, n, url + "/v1/Account")
    client = plivo.RestClient(AUTH_ID, TOKEN)
    mpc = client.multi_party_calls
    if body is None:
        return lambda: len(mpc.list_participants(friendly_name=NAME).objects)
    # Whom to add, as the example says it: dialled (`from`, `to`) or an existing call.
    who = {arg: body[key] for key, arg in (("from", "from_"), ("to", "to_"),
                                           ("call_uuid", "call_uuid")) if key in body}
    return lambda: len(mpc.add_participant(role=body["role"], friendly_name=NAME, **who).calls)


def gen_caller(url, body):
    import plivo_mpc_gen

    cfg = plivo_mpc_gen.Configuration(host=url, username=AUTH_ID, password=TOKEN)
    api = plivo_mpc_gen.ParticipantsApi(plivo_mpc_gen.ApiClient(cfg))
    if body is None:
        return lambda: len(api.list_participants_by_name(AUTH_ID, NAME).objects)
    request = plivo_mpc_gen.AddParticipantRequest.from_dict(body)
    return lambda: len(api.add_participant_by_name(AUTH_ID, NAME, request).calls)


def main():
    kind, url, conc, seconds, warmup = sys.argv[1], sys.argv[2].rstrip("/"), int(sys.argv[3]), \
        float(sys.argv[4]), float(sys.argv[5])
    job = sys.argv[6] if len(sys.argv) > 6 else "list"
    body = None
    if job == "add":
        with open(sys.argv[7], encoding="utf-8") as f:
            body = json.load(f)
    elif job != "list":
        sys.exit(f"python_load: unknown work {job} (list or add)")
    make = sdk_caller if kind == "sdk" else gen_caller
    callers = [make(url, body) for _ in range(conc)]
    warm = time.perf_counter() + warmup
    stop = warm + seconds
    results = [None] * conc

    def work(i):
        call = callers[i]
        lat, errors = [], 0
        while True:
            t = time.perf_counter()
            if t >= stop:
                break
            try:
                call()
            except Exception as e:  # noqa: BLE001 - counted and shown once
                if errors == 0:
                    print(f"python_load: {e!r}", file=sys.stderr)
                errors += 1
                continue
            if t >= warm:
                lat.append(int((time.perf_counter() - t) * 1e6))
        results[i] = (lat, errors)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(conc)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - warm
    lat = sorted(x for r in results for x in r[0])
    errors = sum(r[1] for r in results)

    def pct(p):
        if not lat:
            return 0
        import math
        return lat[min(max(math.ceil(len(lat) * p), 1), len(lat)) - 1]

    print(json.dumps({"client": f"python-{kind}", "work": job, "concurrency": conc, "requests": len(lat),
                      "errors": errors, "seconds": elapsed, "rps": len(lat) / elapsed,
                      "p50_us": pct(0.5), "p99_us": pct(0.99)}))


if __name__ == "__main__":
    main()
