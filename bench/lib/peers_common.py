"""What the Python peers (peers_torch.py, peers_jax.py) share: the candidate type and the data. Needs numpy only,
so that neither framework is loaded in the other's process.
"""

import numpy as np


class Candidate:
    def __init__(self, fn):
        self.fn = fn


def read_batches(path, batches, batch, shape):
    """The batches training-data.ts wrote: every x (float32), then every label row (int32)."""
    raw = np.fromfile(path, dtype=np.uint8)
    per = batch * int(np.prod(shape))
    xs = np.frombuffer(raw[: batches * per * 4].tobytes(), dtype=np.float32).reshape(batches, batch, *shape)
    labels = np.frombuffer(raw[batches * per * 4 :].tobytes(), dtype=np.int32).reshape(batches, batch)
    return xs, labels


def input_shape(w, lstm):
    if w.get("model") == "lenet":
        return (1, 28, 28)
    if w.get("model") == "lstm":
        return (lstm["steps"], lstm["input"])
    return (w["sizes"][0],)


def operands(n):
    """Seeded float32 values in [-0.5, 0.5), as kernel-cases.ts's `random` makes (not the same bits:
    a matmul's speed does not depend on the values)."""
    rng = np.random.default_rng(1)
    return [(rng.random((n, n), dtype=np.float32) - np.float32(0.5)) for _ in range(2)]
