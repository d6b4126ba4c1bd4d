"""Child-process entry of a Python benchmark peer (PyTorch, JAX), the counterpart of candidate-child.ts.

Started by lib/processes.ts as `python peer_child.py <module.py> <factory> <JSON args>`: builds one
candidate, `factory(*args)` from that file, an object with `fn()` (one timed call) and optionally
`before()`, then answers the parent's requests, one JSON object per line on stdin, with one JSON
object per line on stdout (the same messages as the Node children's IPC: ready, calibrate, round,
timed, exit). Anything else a peer prints goes to stderr.
"""

import importlib.util
import json
import sys
import time
from pathlib import Path


def load(path, factory):
    spec = importlib.util.spec_from_file_location("bench_peer", path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(Path(path).parent))  # its sibling peers_common.py
    spec.loader.exec_module(module)
    return getattr(module, factory)


def main():
    path, factory, args = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    out = sys.stdout
    sys.stdout = sys.stderr  # a peer's prints must not be read as replies
    candidate = load(path, factory)(*args)

    def reply(message):
        out.write(json.dumps(message) + "\n")
        out.flush()

    reply({"kind": "ready"})
    for line in sys.stdin:
        req = json.loads(line)
        if req["kind"] == "exit":
            return
        before = getattr(candidate, "before", None)
        if before is not None:
            before()
        fn = candidate.fn
        if req["kind"] == "calibrate":
            # the same warm-up as candidate-child.ts: at least `warmup` calls and `warmupMs`
            until = time.perf_counter() + req.get("warmupMs", 0) / 1000
            i = 0
            while i < req["warmup"] or time.perf_counter() < until:
                fn()
                i += 1
            t0, calls = time.perf_counter(), 0
            while True:
                fn()
                calls += 1
                if time.perf_counter() - t0 >= 0.02:
                    break
            reply({"kind": "timed", "seconds": (time.perf_counter() - t0) / calls})
            continue
        reps = req["reps"]
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        reply({"kind": "timed", "seconds": (time.perf_counter() - t0) / reps})


if __name__ == "__main__":
    main()
