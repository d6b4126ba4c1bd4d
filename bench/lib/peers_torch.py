"""PyTorch candidates of the benchmarks (training.ts, kernels.ts, scalar-chain.ts), each built in its
own child process by peer_child.py. Every factory takes the thread count (torch.set_num_threads)
last; the tables report the better of 1 and 2 threads. Needs torch and numpy, nothing else.
"""

import numpy as np
import torch
import torch.nn.functional as F

from peers_common import Candidate, input_shape, operands, read_batches


class LstmNet(torch.nn.Module):
    def __init__(self, lstm):
        super().__init__()
        self.lstm = torch.nn.LSTM(lstm["input"], lstm["hidden"], batch_first=True)
        self.head = torch.nn.Linear(lstm["hidden"], 10)

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.head(h[0])


def net_of(w, lstm):
    if w.get("model") == "lenet":
        return torch.nn.Sequential(
            torch.nn.Conv2d(1, 8, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(8, 16, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Flatten(), torch.nn.Linear(256, 10),
        )
    if w.get("model") == "lstm":
        return LstmNet(lstm)
    layers = []
    sizes = w["sizes"]
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if w["activation"] == "sigmoid":
            layers.append(torch.nn.Sigmoid())
        elif i + 2 < len(sizes):
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def torch_training(w, lstm, path, batches, threads):
    """One training step (zero_grad, forward, loss, backward, optimizer step) on the next batch."""
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    xs, labels = read_batches(path, batches, w["batch"], input_shape(w, lstm))
    x = [torch.from_numpy(a.copy()) for a in xs]
    y = [torch.from_numpy(a.astype(np.int64)) for a in labels]
    hot = [F.one_hot(t, 10).float() for t in y]
    net = net_of(w, lstm)
    opt = (torch.optim.Adam if w.get("optimizer") == "adam" else torch.optim.SGD)(net.parameters(), lr=w["lr"])
    n = w["batch"]
    state = {"step": 0}

    def fn():
        i = state["step"] % batches
        state["step"] += 1
        opt.zero_grad()
        out = net(x[i])
        # quadratic: 1/(2n) Σ‖a − y‖²; ce: mean −log softmax(z)[label]
        loss = F.cross_entropy(out, y[i]) if w["loss"] == "ce" else ((out - hot[i]) ** 2).sum() / (2 * n)
        loss.backward()
        opt.step()

    return Candidate(fn)


def torch_matmul(n, trans_b, threads):
    """C = A·B (or A·Bᵀ, B a transposed view) for N×N float32, a new C per call."""
    torch.set_num_threads(threads)
    ta, tb = (torch.from_numpy(a) for a in operands(n))
    if trans_b:
        tb = tb.t()
    return Candidate(lambda: torch.matmul(ta, tb))


def torch_scalar_chain(index, steps, threads):
    """The chain of 0-d float32 tensors from leaves w, b; backward; both gradients read."""
    torch.set_num_threads(threads)

    def fn():
        w = torch.tensor(0.999, requires_grad=True)
        b = torch.tensor(0.001, requires_grad=True)
        x = torch.tensor(0.5)
        if index == 0:
            for _ in range(steps):
                x = x * w + b
        else:
            for _ in range(steps):
                x = torch.tanh(x * w + b)
        x.backward()
        if not np.isfinite(w.grad.item() + b.grad.item()):
            raise RuntimeError("torch: non-finite gradient")

    return Candidate(fn)
