"""The epoch loop: index-sliced mini-batches over tensors already on the device."""

import math
import time
import warnings
from dataclasses import dataclass

import torch

from ..callbacks._base import overrides
from ._history import History
from ._inference import forward_in_chunks
from ._losses import reduce_batch_loss

_BATCH_HOOKS = ("on_batch_begin", "on_after_backward", "on_batch_end")


@dataclass
class TensorData:
    """Inputs, targets and optional per-sample weights, all on one device."""

    X: torch.Tensor
    y: torch.Tensor
    weight: torch.Tensor | None = None

    def __len__(self):
        return self.X.shape[0]


def batch_bounds(n_samples: int, batch_size: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of each mini-batch; a trailing batch of one row is
    merged into the previous one (batch norm cannot train on a single row)."""
    bounds = [(s, min(s + batch_size, n_samples)) for s in range(0, n_samples, batch_size)]
    if len(bounds) > 1 and bounds[-1][1] - bounds[-1][0] == 1:
        bounds[-2:] = [(bounds[-2][0], n_samples)]
    return bounds


class Trainer:
    """Train a module with mini-batch gradient descent and report to callbacks.

    Parameters
    ----------
    module : torch.nn.Module
        The network, already on ``device``.
    loss_function : callable
        ``(outputs, targets) -> per-sample losses``.
    optimizer : torch.optim.Optimizer
    device : torch.device
    batch_size : int
    shuffle : bool
        Reshuffle the rows every epoch.
    generator : torch.Generator
        CPU generator for the shuffling order (seeded by the estimator).
    callbacks : list of Callback
    valid_metrics : callable, optional
        ``(outputs, targets) -> dict`` of extra validation metrics.
    history : History, optional
        Continue this history (warm start) instead of a new one.
    verbose : int
        Print one line per epoch when positive.

    Attributes
    ----------
    history : History
    epoch : int
        Number of epochs recorded in ``history``.
    should_stop : bool
        Set by callbacks to end training after the current step.
    has_validation : bool
        Whether the current fit evaluates on validation data.
    n_epochs : int
        Epochs requested by the current call to :meth:`fit` (training may stop
        earlier); 0 before the first call.
    batches_per_epoch : int
        Optimisation steps in each epoch of the current fit; 0 before the
        first call.
    """

    def __init__(
        self,
        module,
        loss_function,
        optimizer,
        *,
        device,
        batch_size,
        shuffle,
        generator,
        callbacks=(),
        valid_metrics=None,
        history=None,
        verbose=0,
    ):
        self.module = module
        self.loss_function = loss_function
        self.optimizer = optimizer
        self.device = device
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.generator = generator
        self.callbacks = list(callbacks)
        self.valid_metrics = valid_metrics
        self.history = History() if history is None else history
        self.verbose = verbose
        self.should_stop = False
        self.has_validation = False
        self.n_epochs = 0
        self.batches_per_epoch = 0

    @property
    def epoch(self) -> int:
        return len(self.history)

    def _notify(self, hook, **kwargs):
        for callback in self.callbacks:
            getattr(callback, hook)(self, **kwargs)

    def fit(self, train: TensorData, valid: TensorData | None = None, n_epochs: int = 1):
        """Run up to ``n_epochs`` epochs; returns ``self``.

        ``on_train_end`` runs even when an exception (``KeyboardInterrupt``
        included) escapes, also from a callback's ``on_train_begin``, so
        callbacks always clean up; it must therefore cope with an
        ``on_train_begin`` that did not run or did not finish.
        """
        self.should_stop = False
        self.has_validation = valid is not None and len(valid) > 0
        self.n_epochs = n_epochs
        self.batches_per_epoch = len(batch_bounds(len(train), self.batch_size))
        self._batch_hooks = [
            cb for cb in self.callbacks if any(overrides(cb, hook) for hook in _BATCH_HOOKS)
        ]
        try:
            self._notify("on_train_begin")
            for _ in range(n_epochs):
                epoch = self.epoch + 1
                self._notify("on_epoch_begin", epoch=epoch)
                started = time.perf_counter()
                logs = {"epoch": epoch, "train_loss": self._train_one_epoch(train)}
                if self.has_validation:
                    logs.update(self._evaluate(valid))
                logs["lr"] = self.optimizer.param_groups[0]["lr"]
                logs["duration"] = time.perf_counter() - started
                self.history.append(logs)
                self._notify("on_epoch_end", epoch=epoch, logs=logs)
                if self.verbose:
                    print(_format_logs(logs), flush=True)
                if not math.isfinite(logs["train_loss"]):
                    warnings.warn(
                        f"The training loss became {logs['train_loss']} at epoch {epoch}; "
                        "training stopped. Try a lower lr or scale the inputs.",
                        RuntimeWarning,
                        stacklevel=2,
                    )
                    self.should_stop = True
                if self.should_stop:
                    break
        finally:
            self._notify("on_train_end")
        return self

    def _train_one_epoch(self, data: TensorData) -> float:
        module, optimizer, loss_function = self.module, self.optimizer, self.loss_function
        module.train()
        n_samples = len(data)
        if self.shuffle:
            order = torch.randperm(n_samples, generator=self.generator).to(self.device)
        else:
            order = None
        mean_weight = None if data.weight is None else float(data.weight.mean())
        total = torch.zeros((), device=self.device)
        for batch, (start, stop) in enumerate(batch_bounds(n_samples, self.batch_size)):
            if self._batch_hooks:
                for callback in self._batch_hooks:
                    callback.on_batch_begin(self, batch=batch)
            if order is None:
                X, y = data.X[start:stop], data.y[start:stop]
                w = None if data.weight is None else data.weight[start:stop]
            else:
                index = order[start:stop]
                X, y = data.X[index], data.y[index]
                w = None if data.weight is None else data.weight[index]
            optimizer.zero_grad(set_to_none=True)
            loss = reduce_batch_loss(loss_function(module(X), y), w, mean_weight)
            loss.backward()
            if self._batch_hooks:
                for callback in self._batch_hooks:
                    callback.on_after_backward(self, batch=batch)
            optimizer.step()
            total += loss.detach() * (stop - start)
            if self._batch_hooks:
                for callback in self._batch_hooks:
                    callback.on_batch_end(self, batch=batch, loss=loss)
            if self.should_stop:
                break
        return float(total) / n_samples

    def _evaluate(self, data: TensorData) -> dict:
        outputs = forward_in_chunks(self.module, data.X, self.device)
        mean_weight = None if data.weight is None else float(data.weight.mean())
        with torch.inference_mode():
            loss = reduce_batch_loss(self.loss_function(outputs, data.y), data.weight, mean_weight)
        logs = {"valid_loss": float(loss)}
        if self.valid_metrics is not None:
            logs.update(self.valid_metrics(outputs, data.y))
        return logs


def _format_logs(logs: dict) -> str:
    parts = [f"epoch {logs['epoch']:>4d}"]
    parts += [
        f"{key} {value:.4g}" for key, value in logs.items() if key not in ("epoch", "duration")
    ]
    parts.append(f"{logs['duration']:.2f}s")
    return "  ".join(parts)
