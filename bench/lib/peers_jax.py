"""JAX candidates of the benchmarks (training.ts, kernels.ts, scalar-chain.ts), each built in its own
child process by peer_child.py. Training: jax.jit over the whole step (forward, backward and the
optimizer update, written here: SGD, and Adam as torch.optim.Adam computes it), blocking on the new
parameters after every call. Needs jax and numpy, nothing else (no optax, no flax).
"""

import jax
import jax.numpy as jnp
import numpy as np

from peers_common import Candidate, input_shape, operands, read_batches


def uniform(key, shape, fan_in):
    bound = 1 / np.sqrt(fan_in)
    return jax.random.uniform(key, shape, jnp.float32, -bound, bound)


def init(w, lstm, key):
    """Parameters in PyTorch's layouts and default ranges (U(±1/√fan_in))."""
    keys = iter(jax.random.split(key, 16))
    if w.get("model") == "lenet":
        return {
            "c1": uniform(next(keys), (8, 1, 5, 5), 25), "b1": uniform(next(keys), (8,), 25),
            "c2": uniform(next(keys), (16, 8, 5, 5), 200), "b2": uniform(next(keys), (16,), 200),
            "w": uniform(next(keys), (10, 256), 256), "b": uniform(next(keys), (10,), 256),
        }
    if w.get("model") == "lstm":
        h, i = lstm["hidden"], lstm["input"]
        return {
            "wih": uniform(next(keys), (4 * h, i), h), "whh": uniform(next(keys), (4 * h, h), h),
            "bih": uniform(next(keys), (4 * h,), h), "bhh": uniform(next(keys), (4 * h,), h),
            "w": uniform(next(keys), (10, h), h), "b": uniform(next(keys), (10,), h),
        }
    sizes = w["sizes"]
    return [
        (uniform(next(keys), (sizes[i + 1], sizes[i]), sizes[i]), uniform(next(keys), (sizes[i + 1],), sizes[i]))
        for i in range(len(sizes) - 1)
    ]


def conv_relu_pool(x, k, b):
    y = jax.lax.conv_general_dilated(x, k, (1, 1), "VALID", dimension_numbers=("NCHW", "OIHW", "NCHW"))
    y = jax.nn.relu(y + b[None, :, None, None])
    return jax.lax.reduce_window(y, -jnp.inf, jax.lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")


def forward(w, lstm, p, x):
    if w.get("model") == "lenet":
        h = conv_relu_pool(conv_relu_pool(x, p["c1"], p["b1"]), p["c2"], p["b2"])
        return h.reshape(h.shape[0], -1) @ p["w"].T + p["b"]
    if w.get("model") == "lstm":
        n, hidden = x.shape[0], lstm["hidden"]

        def cell(carry, xt):
            h, c = carry
            gates = xt @ p["wih"].T + p["bih"] + h @ p["whh"].T + p["bhh"]
            i, f, g, o = jnp.split(gates, 4, axis=1)
            c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
            return (jax.nn.sigmoid(o) * jnp.tanh(c), c), None

        zeros = jnp.zeros((n, hidden), jnp.float32)
        (h, _), _ = jax.lax.scan(cell, (zeros, zeros), jnp.swapaxes(x, 0, 1))
        return h @ p["w"].T + p["b"]
    h = x
    for i, (wt, b) in enumerate(p):
        h = h @ wt.T + b
        if w["activation"] == "sigmoid":
            h = jax.nn.sigmoid(h)
        elif i + 1 < len(p):
            h = jax.nn.relu(h)
    return h


def jax_training(w, lstm, path, batches):
    """One jitted training step on the next batch (forward, backward, update)."""
    xs, labels = read_batches(path, batches, w["batch"], input_shape(w, lstm))
    x = [jnp.asarray(a) for a in xs]
    y = [jnp.asarray(a) for a in labels]
    n, lr, adam = w["batch"], w["lr"], w.get("optimizer") == "adam"

    def loss_of(p, xb, yb):
        out = forward(w, lstm, p, xb)
        if w["loss"] == "ce":
            return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(out), yb[:, None], axis=1))
        return jnp.sum((out - jax.nn.one_hot(yb, 10)) ** 2) / (2 * n)

    def step(state, xb, yb):
        p, m, v, t = state
        g = jax.grad(loss_of)(p, xb, yb)
        if not adam:
            return jax.tree_util.tree_map(lambda a, d: a - lr * d, p, g), m, v, t
        t = t + 1
        m = jax.tree_util.tree_map(lambda a, d: 0.9 * a + 0.1 * d, m, g)
        v = jax.tree_util.tree_map(lambda a, d: 0.999 * a + 0.001 * d * d, v, g)
        bc1, bc2 = 1 - 0.9**t, 1 - 0.999**t
        p = jax.tree_util.tree_map(lambda a, mm, vv: a - lr / bc1 * mm / (jnp.sqrt(vv / bc2) + 1e-8), p, m, v)
        return p, m, v, t

    jitted = jax.jit(step, donate_argnums=0)
    p = init(w, lstm, jax.random.PRNGKey(1))
    zeros = lambda: jax.tree_util.tree_map(jnp.zeros_like, p)  # noqa: E731 (two buffers: both are donated)
    state = {"s": (p, zeros(), zeros(), jnp.float32(0)), "step": 0}

    def fn():
        i = state["step"] % batches
        state["step"] += 1
        state["s"] = jax.block_until_ready(jitted(state["s"], x[i], y[i]))

    return Candidate(fn)


def jax_matmul(n, trans_b):
    """C = A·B (or A·Bᵀ) for N×N float32 under jax.jit, waiting for the result."""
    a, b = (jnp.asarray(m) for m in operands(n))
    mm = jax.jit(lambda p, q: p @ q.T) if trans_b else jax.jit(lambda p, q: p @ q)
    return Candidate(lambda: mm(a, b).block_until_ready())


def jax_scalar_chain(index, steps):
    """The chain on 0-d float32 arrays, differentiated eagerly by jax.grad (op by op, no jit: the row
    measures what recording and differentiating one op costs)."""

    def chain(w, b):
        x = jnp.float32(0.5)
        for _ in range(steps):
            x = x * w + b if index == 0 else jnp.tanh(x * w + b)
        return x

    grads = jax.grad(chain, argnums=(0, 1))
    w0, b0 = jnp.float32(0.999), jnp.float32(0.001)

    def fn():
        gw, gb = grads(w0, b0)
        if not np.isfinite(float(gw) + float(gb)):
            raise RuntimeError("jax: non-finite gradient")

    return Candidate(fn)
