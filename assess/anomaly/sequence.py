"""The sequence detector: a small GRU over each session's event tokens (:func:`detectors.tokens`).

Kept apart from :mod:`detectors` because it needs torch (about 3.5 s to import on 2 cores),
which the shipped scorer (rules and an Isolation Forest) does not: only training, a saved
model's comparison scores and the evaluation import this module.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .detectors import VOCAB


class SequenceNet(nn.Module):
    """Summed token embeddings -> GRU -> (last state, mean state) -> logit."""

    def __init__(self, dim: int = 16, hidden: int = 32):
        super().__init__()
        self.emb = nn.ModuleList(nn.Embedding(v, dim) for v in VOCAB)
        self.gru = nn.GRU(dim, hidden, batch_first=True)
        self.head = nn.Linear(2 * hidden + 1, 1)

    def forward(self, tok: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        x = sum(e(tok[..., j]) for j, e in enumerate(self.emb))
        out, _ = self.gru(x)
        mask = (torch.arange(tok.shape[1])[None, :] < lengths[:, None]).float()
        last = out[torch.arange(len(lengths)), lengths - 1]
        mean = (out * mask[..., None]).sum(1) / lengths[:, None]
        return self.head(torch.cat([last, mean, torch.log(lengths.float())[:, None]], 1)).squeeze(1)


class _threads:
    """Run torch single-threaded (faster than two contended threads for this tiny net)."""

    def __enter__(self) -> None:
        self.old = torch.get_num_threads()
        torch.set_num_threads(1)

    def __exit__(self, *exc: object) -> None:
        torch.set_num_threads(self.old)


def _length_batches(rng: np.random.Generator, lengths: np.ndarray, batch: int) -> list[np.ndarray]:
    """Batches of similar length (little padding), in random order."""
    order = np.argsort(lengths + rng.random(len(lengths)) * 3, kind="stable")
    parts = np.array_split(order, max(1, len(order) // batch))
    return [parts[i] for i in rng.permutation(len(parts))]


def train_gru(tok: np.ndarray, lengths: np.ndarray, y: np.ndarray, epochs: int = 4, seed: int = 7,
              batch: int = 128) -> SequenceNet:
    with _threads():
        return _train_gru(tok, lengths, y, epochs, seed, batch)


def _train_gru(tok: np.ndarray, lengths: np.ndarray, y: np.ndarray, epochs: int, seed: int,
               batch: int) -> SequenceNet:
    torch.manual_seed(seed)
    net = SequenceNet()
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    pos_weight = torch.tensor(min(20.0, (len(y) - y.sum()) / max(y.sum(), 1)))
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    rng = np.random.default_rng(seed)
    t, ln, yy = torch.from_numpy(tok), torch.from_numpy(lengths.astype(np.int64)), torch.from_numpy(y.astype(np.float32))
    net.train()
    for _ in range(epochs):
        for idx in _length_batches(rng, lengths, batch):
            i = torch.from_numpy(idx)
            m = int(lengths[idx].max())
            opt.zero_grad()
            loss = loss_fn(net(t[i, :m], ln[i]), yy[i])
            loss.backward()
            opt.step()
    net.eval()
    return net


@torch.no_grad()
def gru_scores(net: SequenceNet, tok: np.ndarray, lengths: np.ndarray, batch: int = 4096) -> np.ndarray:
    if len(lengths) == 0:
        return np.zeros(0)
    with _threads():
        return _gru_scores(net, tok, lengths, batch)


def _gru_scores(net: SequenceNet, tok: np.ndarray, lengths: np.ndarray, batch: int) -> np.ndarray:
    out = []
    order = np.argsort(lengths)  # similar lengths together: trim padding per batch
    for idx in np.array_split(order, max(1, len(order) // batch)):
        m = int(lengths[idx].max())
        out.append(net(torch.from_numpy(tok[idx, :m]), torch.from_numpy(lengths[idx].astype(np.int64))).numpy())
    res = np.empty(len(lengths))
    res[order] = np.concatenate(out)
    return res
