"""The epoch loop: index-sliced mini-batches over tensors already on the device."""

import contextlib
import dataclasses
import math
import time
import warnings
from collections.abc import Iterator

import torch

from ..callbacks._base import overrides
from ._history import History
from ._inference import eval_mode, forward_in_chunks
from ._regularization import penalized_weights
from ._run_identity import identity_differences, run_id

_DIVERGENCE_ADVICE = "Try a lower lr or scale the inputs."
_BATCH_HOOKS = ("on_batch_begin", "on_after_backward", "on_batch_end")
# Hooks called only on the callbacks that override them (like the batch hooks).
_SELECTIVE_HOOKS = ("on_validation_begin", "on_validation_end", "on_exception")


@dataclasses.dataclass
class TensorData:
    """Inputs, targets and optional per-sample weights, all on one device.

    ``X`` may be a larger tensor that several data sets share (the training
    and validation rows of one network input, never copied into subsets):
    ``rows`` then lists, in order, the rows of ``X`` that make up this data
    set, and ``y`` and ``weight`` hold this data set's rows only. ``rows=None``
    means every row of ``X``.
    """

    X: torch.Tensor
    y: torch.Tensor
    weight: torch.Tensor | None = None
    rows: torch.Tensor | None = None

    def __len__(self):
        return self.y.shape[0]

    def batches_of_inputs(self, batches) -> Iterator[torch.Tensor]:
        """The inputs of this data set's rows at each entry of ``batches``
        (slices or index tensors), one batch after the other.

        ``X`` is a tensor, sliced here, or rows read on demand (an ``X`` with
        an ``iter_rows`` method, such as the rows of a torch ``Dataset``),
        whose loader reads the next batches while the current one trains.
        """
        if self.rows is not None:
            batches = [rows_at(self.rows, positions) for positions in batches]
        read_ahead = getattr(self.X, "iter_rows", None)
        if read_ahead is not None:
            return read_ahead(batches)
        return (rows_at(self.X, positions) for positions in batches)


def rows_at(tensor: torch.Tensor, positions) -> torch.Tensor:
    """The rows of ``tensor`` at ``positions``: a slice (a view) or an index
    tensor (a gathered copy, by ``index_select``, which on the CPU costs a
    quarter of the general indexing ``tensor[index]`` on a batch of rows)."""
    if isinstance(positions, slice):
        return tensor[positions]
    return tensor.index_select(0, positions)


def auto_batch_size(n_train: int) -> int:
    """The ``batch_size="auto"`` rule: 128 rows, or about 64 steps per epoch on
    large data (a power of two, at most 1024).

    128 up to ~11,600 training rows, then 256, 512 and 1024 (from ~46,000);
    measured in ``benchmarks/tune_defaults.py`` (candidate ``bs_rows``): as
    accurate as 128 on large tables, with fewer, cheaper epochs.
    """
    return int(min(max(2 ** round(math.log2(max(n_train, 1) / 64)), 128), 1024))


_SINGLE_ROW_BATCH_NORM = (
    "The network has batch normalisation, which cannot train on a batch of one row, and "
    "the training data is a single row: pass at least 2 rows to partial_fit (or fit), or "
    "use a network without batch normalisation (batch_norm=False for the built-in MLPs "
    "and recurrent nets)."
)


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
    loss : LossSpec
        The resolved loss; :meth:`LossSpec.batch_loss` gives each batch's
        loss and its ``link`` the validation metrics.
    optimizer : torch.optim.Optimizer
    device : torch.device
    batch_size : int
    shuffle : bool
        Reshuffle the rows every epoch.
    generator : torch.Generator
        CPU generator for the shuffling order (seeded by the estimator).
    callbacks : list of Callback
    history : History, optional
        Continue this history (warm start) instead of a new one.
    verbose : int
        Print one line per epoch when positive.
    identity : callable, optional
        Returns the identity of this fit: a dict of plain values describing
        everything its training depends on (see :attr:`run_id`); called
        lazily.
    penalty : callable, optional
        ``penalty(weights) -> scalar`` added to each batch loss, where
        ``weights`` are the module's weight matrices (see
        :func:`~skneural.training._regularization.make_weight_penalty`).
    augment : callable, optional
        ``augment(X, y) -> (X, y)`` applied to each training batch (never to
        validation data), with a ``state_dict``/``load_state_dict`` pair for
        its random state (see :class:`~skneural.training._augment.BatchAugmenter`).
    autocast : callable, optional
        ``autocast()`` returns the context in which each training step's
        forward pass runs (see
        :func:`~skneural.training._acceleration.training_autocast`); the
        loss is computed on its outputs in float32. ``None``: no context.

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
        earlier, and a resumed run starts part-way); 0 before the first call.
    max_epochs : int
        Epoch count at which the current fit ends.
    batches_per_epoch : int
        Optimisation steps in each epoch of the current fit; 0 before the
        first call.
    """

    def __init__(
        self,
        module,
        loss,
        optimizer,
        *,
        device,
        batch_size,
        shuffle,
        generator,
        callbacks=(),
        history=None,
        verbose=0,
        identity=None,
        penalty=None,
        augment=None,
        autocast=None,
    ):
        self.module = module
        self.loss = loss
        self.optimizer = optimizer
        self.device = device
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.generator = generator
        # Callbacks that persist training state (checkpoints) run last, so
        # they see every other callback's state for the epoch.
        self.callbacks = sorted(callbacks, key=lambda cb: getattr(cb, "_runs_last", False))
        self.history = History() if history is None else history
        self.verbose = verbose
        self.should_stop = False
        self.has_validation = False
        self.n_epochs = 0
        self.max_epochs = self.epoch
        self.batches_per_epoch = 0
        self.penalty = penalty
        self.augment = augment
        self.autocast = contextlib.nullcontext if autocast is None else autocast
        self._identity_factory = identity
        self._identity = None

    @property
    def epoch(self) -> int:
        return len(self.history)

    def _notify(self, hook, **kwargs):
        for callback in self.callbacks:
            getattr(callback, hook)(self, **kwargs)

    def _notify_overriding(self, hook, **kwargs):
        for callback in self._overriding[hook]:
            getattr(callback, hook)(self, **kwargs)

    def fit(self, train: TensorData, valid: TensorData | None = None, n_epochs: int = 1):
        """Train until ``self.max_epochs = epoch + n_epochs`` epochs are recorded.

        A callback that restores a checkpoint in ``on_train_begin`` brings back
        the history, so a resumed fit only runs the remaining epochs.
        When an exception (``KeyboardInterrupt`` included) escapes the loop or
        a hook, also a callback's ``on_train_begin``, callbacks are told with
        ``on_exception`` before it propagates; ``on_train_end`` runs however
        training ends, so callbacks always clean up, and must therefore cope
        with an ``on_train_begin`` that did not run or did not finish.

        An epoch whose training or validation loss is NaN or infinite stops
        training with a ``RuntimeWarning``. After such an epoch, and after
        any fit without validation rows (whose last steps no loss measured),
        the trained network's outputs on the first training batch are
        checked: when they are not finite (no callback restored better
        weights) the network cannot predict, and ``fit`` raises a
        ``ValueError``, as scikit-learn's MLP does.

        Returns
        -------
        self : Trainer
        """
        self.should_stop = False
        self.diverged = False
        self.has_validation = valid is not None and len(valid) > 0
        if self.has_validation:
            valid = _weighed_validation(valid)
        self.n_epochs = n_epochs
        self.max_epochs = self.epoch + n_epochs
        self.batches_per_epoch = len(batch_bounds(len(train), self.batch_size))
        self._batch_hooks = [
            cb for cb in self.callbacks if any(overrides(cb, hook) for hook in _BATCH_HOOKS)
        ]
        self._overriding = {
            hook: [cb for cb in self.callbacks if overrides(cb, hook)] for hook in _SELECTIVE_HOOKS
        }
        try:
            self._notify("on_train_begin")
            while self.epoch < self.max_epochs and not self.should_stop:
                self._run_epoch(train, valid)
        except BaseException as exception:
            self._notify_overriding("on_exception", exception=exception)
            raise
        finally:
            self._notify("on_train_end")
        if self.diverged or not self.has_validation:
            self._check_outputs_are_finite(train)
        return self

    def _check_outputs_are_finite(self, train: TensorData) -> None:
        """Raise a ``ValueError`` when the trained network's outputs on the
        first training batch are NaN or infinite: it cannot predict.

        Each epoch's training loss is measured before the epoch's last step
        and finite weights can still overflow the outputs, so one forward
        pass checks the network as it leaves training.
        """
        first_batch = slice(0, min(self.batch_size, len(train)))
        (inputs,) = train.batches_of_inputs([first_batch])
        with eval_mode(self.module), torch.inference_mode():
            outputs_finite = bool(torch.isfinite(self.module(inputs)).all())
        if not outputs_finite:
            raise ValueError(
                f"Training diverged: after epoch {self.epoch} the network's outputs are NaN "
                f"or infinite, so it cannot predict. {_DIVERGENCE_ADVICE}"
            )

    def _run_epoch(self, train, valid):
        epoch = self.epoch + 1
        self._notify("on_epoch_begin", epoch=epoch)
        started = time.perf_counter()
        logs = {"epoch": epoch, "train_loss": self._train_one_epoch(train)}
        self._notify_overriding("on_validation_begin", epoch=epoch)
        if self.has_validation:
            logs.update(self._evaluate(valid))
        self._notify_overriding("on_validation_end", epoch=epoch, logs=logs)
        logs["lr"] = self.optimizer.param_groups[0]["lr"]
        logs["duration"] = time.perf_counter() - started
        self.history.append(logs)
        divergence = _divergence(logs)
        if divergence is not None:
            self.diverged = True
            warnings.warn(
                f"{divergence} at epoch {epoch}; training stopped. {_DIVERGENCE_ADVICE}",
                RuntimeWarning,
                stacklevel=3,
            )
            self.should_stop = True
        self._notify("on_epoch_end", epoch=epoch, logs=logs)
        if self.verbose:
            print(_format_logs(logs), flush=True)

    # ------------------------------------------------------------ state
    def state_dict(self) -> dict:
        """Everything needed to continue this run bit-identically.

        The module and optimizer states, each callback's ``state_dict()``,
        the random number generators (torch's global CPU and CUDA generators,
        which drive dropout, the shuffling generator and the augmentation's),
        the history and the stop flag. Only tensors and plain Python values, so it loads with
        ``torch.load(weights_only=True)``.
        """
        rng = {"torch": torch.get_rng_state(), "shuffle": self.generator.get_state()}
        if self.device.type == "cuda":
            rng["cuda"] = torch.cuda.get_rng_state(self.device)
        if self.augment is not None:
            rng["augmentation"] = self.augment.state_dict()
        return {
            "run_id": self.run_id,
            "identity": self.identity,
            "should_stop": self.should_stop,
            "module": self.module.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "callbacks": [
                {"class": type(cb).__name__, "state": cb.state_dict()}
                for cb in self._checkpointed_callbacks()
            ],
            "rng": rng,
            "history": [_plain_logs(row) for row in self.history],
        }

    def _checkpointed_callbacks(self) -> list:
        """Callbacks whose state is saved: not ``transient`` bridges and not
        observers (progress bars and loggers, which may come and go between
        a fit and its resumption)."""
        return [
            cb
            for cb in self.callbacks
            if not getattr(cb, "_transient", False) and not getattr(cb, "_observes_only", False)
        ]

    def load_state_dict(self, state: dict) -> None:
        """Restore a :meth:`state_dict`; a ``ValueError`` names any mismatch.

        The state must come from the same run (equal :attr:`run_id`): one
        written by a fit with other parameters, seeds or data is refused
        with the differences listed.
        """
        if state.get("run_id") != self.run_id:
            differences = identity_differences(state.get("identity"), self.identity)
            raise ValueError(
                "It was written by a different training run, so this fit cannot continue "
                f"it: {'; '.join(differences)}."
            )
        saved = [entry["class"] for entry in state["callbacks"]]
        current = [type(cb).__name__ for cb in self._checkpointed_callbacks()]
        if saved != current:
            raise ValueError(
                f"The checkpoint was written with callbacks {saved}, but this fit has "
                f"{current}; it belongs to a different model configuration."
            )
        try:
            self.module.load_state_dict(state["module"])
        except RuntimeError as exc:
            raise ValueError(f"The checkpoint does not match this model's network: {exc}") from None
        try:
            self.optimizer.load_state_dict(state["optimizer"])
        except (ValueError, KeyError) as exc:
            raise ValueError(f"The checkpoint does not match this optimizer: {exc}") from None
        for callback, entry in zip(self._checkpointed_callbacks(), state["callbacks"], strict=True):
            callback.load_state_dict(entry["state"])
        torch.set_rng_state(state["rng"]["torch"])
        self.generator.set_state(state["rng"]["shuffle"])
        if self.augment is not None:
            self.augment.load_state_dict(state["rng"]["augmentation"])
        if "cuda" in state["rng"] and self.device.type == "cuda":
            torch.cuda.set_rng_state(state["rng"]["cuda"], self.device)
        self.history[:] = [dict(row) for row in state["history"]]
        self.should_stop = bool(state["should_stop"])

    @property
    def identity(self) -> dict:
        """What this fit's training depends on (computed on first use)."""
        if self._identity is None:
            self._identity = self._identity_factory() if self._identity_factory else {}
        return self._identity

    @property
    def run_id(self) -> str:
        """Identifier of this fit: a hash of :attr:`identity`.

        Equal for two fits that train identically (same estimator settings
        that affect training, seeds, data and epochs already done), different
        otherwise: checkpoints use it to keep parallel fits apart, to find
        the run to resume and to refuse a checkpoint of another run.
        """
        return run_id(self.identity)

    def _train_one_epoch(self, data: TensorData) -> float:
        module, optimizer, loss = self.module, self.optimizer, self.loss
        module.train()
        n_samples = len(data)
        if self.shuffle:
            order = torch.randperm(n_samples, generator=self.generator).to(self.device)
        else:
            order = None
        mean_weight = None if data.weight is None else float(data.weight.mean())
        penalized = penalized_weights(module) if self.penalty is not None else None
        # The batch losses go into one tensor allocated once (see forward_in_chunks).
        batch_losses, batch_rows = None, []
        bounds = batch_bounds(n_samples, self.batch_size)
        indexes = [
            slice(start, stop) if order is None else order[start:stop] for start, stop in bounds
        ]
        inputs = data.batches_of_inputs(indexes)
        for batch, ((start, stop), index, X) in enumerate(
            zip(bounds, indexes, inputs, strict=True)
        ):
            if self._batch_hooks:
                for callback in self._batch_hooks:
                    callback.on_batch_begin(self, batch=batch)
            y = rows_at(data.y, index)
            if self.augment is not None:
                X, y = self.augment(X, y)
            w = None if data.weight is None else rows_at(data.weight, index)
            optimizer.zero_grad(set_to_none=True)
            try:
                with self.autocast():
                    outputs = module(X)
            except ValueError as error:
                if stop - start == 1 and "more than 1 value per channel" in str(error):
                    raise ValueError(_SINGLE_ROW_BATCH_NORM) from error
                raise
            if outputs.dtype == torch.bfloat16:  # autocast: the loss in float32
                outputs = outputs.float()
            batch_loss = loss.batch_loss(outputs, y, w, mean_weight)
            if penalized is not None:
                batch_loss = batch_loss + self.penalty(penalized)
            batch_loss.backward()
            if self._batch_hooks:
                for callback in self._batch_hooks:
                    callback.on_after_backward(self, batch=batch)
            optimizer.step()
            if batch_losses is None:
                batch_losses = batch_loss.new_empty(len(bounds))
            batch_losses[batch] = batch_loss.detach()
            batch_rows.append(stop - start)
            if self._batch_hooks:
                for callback in self._batch_hooks:
                    callback.on_batch_end(self, batch=batch, loss=batch_loss)
            if self.should_stop:
                break
        # One reduction (and one device sync) per epoch, not per batch.
        rows = torch.tensor(batch_rows, dtype=batch_losses.dtype, device=self.device)
        return float(batch_losses[: len(batch_rows)] @ rows) / sum(batch_rows)

    def _evaluate(self, data: TensorData) -> dict:
        outputs = forward_in_chunks(
            self.module, data.X, self.device, rows=data.rows, row_invariant=False
        )
        mean_weight = None if data.weight is None else float(data.weight.mean())
        with torch.inference_mode():
            loss = self.loss.batch_loss(outputs, data.y, data.weight, mean_weight)
        return {
            "valid_loss": float(loss),
            **self.loss.link.validation_metrics(outputs, data.y, data.weight),
        }


def _weighed_validation(valid: TensorData) -> TensorData:
    """``valid``, without its weights when they are all zero (with a warning):
    a weighted loss over rows that all weigh nothing is undefined."""
    if valid.weight is None or bool(valid.weight.sum() > 0):
        return valid
    warnings.warn(
        f"All {len(valid)} validation rows have a sample weight of zero, so the validation "
        "loss and scores are computed without the weights.",
        UserWarning,
        stacklevel=4,
    )
    return dataclasses.replace(valid, weight=None)


def _divergence(logs: dict) -> str | None:
    """Which loss of an epoch's ``logs`` is NaN or infinite (the start of the
    warning), or ``None``."""
    if not math.isfinite(logs["train_loss"]):
        return f"The training loss became {logs['train_loss']}"
    if not math.isfinite(logs.get("valid_loss", 0.0)):
        return f"The validation loss became {logs['valid_loss']}"
    return None


def _plain_logs(logs: dict) -> dict:
    """History row with numpy scalars turned into Python numbers (safe to load)."""
    return {key: value.item() if hasattr(value, "item") else value for key, value in logs.items()}


def _format_logs(logs: dict) -> str:
    parts = [f"epoch {logs['epoch']:>4d}"]
    parts += [
        f"{key} {value:.4g}" for key, value in logs.items() if key not in ("epoch", "duration")
    ]
    parts.append(f"{logs['duration']:.2f}s")
    return "  ".join(parts)
