"""The shared machinery of skneural's estimators.

The estimator is a thin, declarative scikit-learn object: it validates
parameters and data, encodes targets and owns the fitted attributes. The
training itself runs in :class:`skneural.training.Trainer`.
"""

import copy
import math
import warnings
from contextlib import contextmanager
from numbers import Integral, Real

import joblib
import numpy as np
import torch
from sklearn.base import BaseEstimator, clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_consistent_length, check_is_fitted

from ..augmentation import BatchAugmentation, tta_views
from ..callbacks import Callback, EarlyStopping, LRScheduler, WeightAveraging
from ..callbacks._naming import callback_names
from ..callbacks._sklearn_tasks import SklearnEpochTasks, SklearnFitTask
from ..data._image_input import ImageInput
from ..data._input_layer import pretrained_input_layer, select_input_layer
from ..data._sequence_input import module_input_kind
from ..data._split import validation_split
from ..data._validation import check_numeric_target
from ..nn._factory import BUILTIN_MODULES, accepted_params, build_module
from ..nn._mlp import ACTIVATIONS
from ..training._acceleration import (
    PRECISIONS,
    check_compile_supported,
    check_precision,
    compile_failures_explained,
    compile_in_place,
    training_autocast,
)
from ..training._augment import BatchAugmenter
from ..training._budget import (
    ENCODING_BINS,
    LARGE_TABLE_HIDDEN,
    REFERENCE_BATCH,
    TABULAR_RECIPE,
    auto_dropout,
    auto_lr,
    auto_numeric_encoding,
    auto_patience,
    auto_relative_tol,
    is_large_table_fit,
    plateau_schedule_params,
    recipe_for,
)
from ..training._device import loadable_device, resolve_device
from ..training._inference import forward_in_chunks, to_device
from ..training._interrupt import interrupt_should_propagate
from ..training._optim import OPTIMIZERS, build_optimizer
from ..training._regularization import make_weight_penalty
from ..training._run_identity import describe
from ..training._threads import torch_threads
from ..training._trainer import TensorData, Trainer, auto_batch_size
from ..utils._params import close_names_hint, hint_unknown_keywords
from ..utils._sklearn_compat import (
    CallbackSupportMixin,
    HasMethods,
    Interval,
    Options,
    StrOptions,
    _check_feature_names,
    _check_n_features,
    _check_sample_weight,
    _fit_context,
    validate_data,
)
from ._module_contract import check_new_network

_SEED_HIGH = 2**31 - 1


class BaseNeuralEstimator(CallbackSupportMixin, BaseEstimator):
    """Parameters, validation and the fit/predict flow common to all estimators.

    Subclasses define how targets are encoded (``_encode_targets``), which
    loss is resolved (``_resolve_loss``; its link gives the predictions and
    the validation metric), how rows are stratified for the validation split
    (``_stratify_labels``), whether ``y`` must be numeric (``_y_numeric``) and
    what happens on the validation rows after training (``_calibrate``).

    With scikit-learn >= 1.9 the estimators support its callback API
    (``set_callbacks``): a fit is a task with one sub-task per epoch, so a
    ``ProgressBar`` set on a ``GridSearchCV`` reaches down to the epochs.
    """

    # Dict-valued parameters whose entries are settable as ``<param>__<key>``
    # (``module_params__n_heads=4``), so searches can tune them one by one.
    _dict_params = ("module_params", "optimizer_params", "loss_params")
    _y_numeric = False

    _parameter_constraints: dict = {
        "preprocessing": [StrOptions({"auto", "standard"}), HasMethods(["fit", "transform"]), None],
        "module": [StrOptions(set(BUILTIN_MODULES)), callable],
        "module_params": [dict, None],
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "dropout": [Interval(Real, 0, 1, closed="left"), StrOptions({"auto"})],
        "batch_norm": ["boolean"],
        "loss_params": [dict, None],
        "optimizer": [StrOptions(set(OPTIMIZERS)), callable],
        "optimizer_params": [dict, None],
        "lr": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "numeric_encoding": [StrOptions({"auto", "piecewise_linear"}), None],
        "batch_size": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "augmentation": [callable, None],
        "tta": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {math.inf}),  # never stop early, as in scikit-learn's MLP
            StrOptions({"auto"}),
        ],
        "weight_averaging": [Interval(Real, 0, None, closed="neither"), None],
        "tol": [Interval(Real, 0, None, closed="left")],
        "callbacks": [list, None],
        "random_state": ["random_state"],
        "device": [str],
        "precision": [StrOptions(set(PRECISIONS))],
        "compile": ["boolean"],
        "n_threads": [Interval(Integral, 1, None, closed="left"), StrOptions({"all", "auto"})],
        "num_workers": [Interval(Integral, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
    }

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # A scikit-learn MLP name passed to the constructor points to skneural's.
        if "__init__" in cls.__dict__:
            cls.__init__ = hint_unknown_keywords(cls.__init__)

    def __init__(
        self,
        *,
        preprocessing="auto",
        module="mlp",
        module_params=None,
        hidden_layer_sizes="auto",
        activation="relu",
        dropout="auto",
        batch_norm=False,
        numeric_encoding="auto",
        loss,
        loss_params=None,
        optimizer="adamw",
        optimizer_params=None,
        lr="auto",
        weight_decay=0.1,
        alpha=0.0,
        l1_ratio=0.0,
        batch_size="auto",
        max_epochs=200,
        shuffle=True,
        augmentation=None,
        tta=1,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change="auto",
        tol=1e-4,
        weight_averaging=1.0,
        callbacks=None,
        random_state=None,
        device="cpu",
        precision="fp32",
        compile=False,
        n_threads=1,
        num_workers=0,
        verbose=0,
        warm_start=False,
    ):
        self.preprocessing = preprocessing
        self.module = module
        self.module_params = module_params
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.numeric_encoding = numeric_encoding
        self.loss = loss
        self.loss_params = loss_params
        self.optimizer = optimizer
        self.optimizer_params = optimizer_params
        self.lr = lr
        self.weight_decay = weight_decay
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.shuffle = shuffle
        self.augmentation = augmentation
        self.tta = tta
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.weight_averaging = weight_averaging
        self.tol = tol
        self.callbacks = callbacks
        self.random_state = random_state
        self.device = device
        self.precision = precision
        self.compile = compile
        self.n_threads = n_threads
        self.num_workers = num_workers
        self.verbose = verbose
        self.warm_start = warm_start

    # ------------------------------------------------------------------ params
    def get_params(self, deep=True):
        """Get the parameters of this estimator.

        Parameters
        ----------
        deep : bool, default=True
            Also return the parameters of nested objects and one entry
            ``<dict_param>__<key>`` per entry of ``module_params``,
            ``optimizer_params`` and ``loss_params``.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        params = super().get_params(deep=deep)
        if deep:
            for name in self._dict_params:
                entries = params.get(name)
                if isinstance(entries, dict):
                    params.update({f"{name}__{key}": value for key, value in entries.items()})
            # Invalid values are only rejected at fit; list nothing for them.
            callbacks = params.get("callbacks")
            callbacks = callbacks if isinstance(callbacks, list) else []
            for name, callback in zip(callback_names(callbacks), callbacks, strict=True):
                params[f"callbacks__{name}"] = callback
                if isinstance(callback, Callback):
                    for key, value in callback.get_params(deep=True).items():
                        params[f"callbacks__{name}__{key}"] = value
        return params

    def set_params(self, **params):
        """Set parameters, including the entries of dict and list parameters.

        ``<dict_param>__<key>`` updates one entry of a dict parameter
        (``module_params``, ``optimizer_params``, ``loss_params``) and
        ``callbacks__<name>__<param>`` one setting of a callback, where
        ``<name>`` is the callback's lower-cased class name (numbered
        ``-1``, ``-2``, ... when a class repeats, as in ``make_pipeline``);
        ``callbacks__<name>`` replaces that callback. Both work on copies,
        never on the dict, list or callbacks the user passed in.

        Parameters
        ----------
        **params : dict
            Estimator parameters, plain or nested as above. An unknown name
            raises a ``ValueError`` that suggests close valid names.

        Returns
        -------
        self : object
            The estimator.
        """
        valid = self.get_params(deep=False)
        for name in params:
            if name.partition("__")[0] not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for estimator {type(self).__name__}."
                    f"{close_names_hint(name, self.get_params(deep=True))} "
                    f"Valid parameters are: {sorted(valid)}."
                )
        for name in params:
            self._check_nested_target(name, params)
        entries, callback_updates = {}, {}
        for name in list(params):
            prefix, sep, key = name.partition("__")
            if sep and prefix in self._dict_params:
                entries.setdefault(prefix, {})[key] = params.pop(name)
            elif sep and prefix == "callbacks":
                callback_updates[key] = params.pop(name)
        super().set_params(**params)
        for prefix, updates in entries.items():
            current = getattr(self, prefix)
            setattr(self, prefix, {**(current if isinstance(current, dict) else {}), **updates})
        if callback_updates:
            self.callbacks = self._updated_callbacks(callback_updates)
        return self

    def _check_nested_target(self, name: str, params: dict) -> None:
        """Raise a ``ValueError`` for ``<param>__<key>`` when ``<param>`` holds
        nothing with settings of its own (``module__width`` with the module
        ``"mlp"``, skorch's spelling of ``module_params__width``)."""
        prefix, sep, key = name.partition("__")
        if not sep or prefix in self._dict_params or prefix == "callbacks":
            return
        target = params.get(prefix, getattr(self, prefix))
        if isinstance(target, BaseEstimator) or hasattr(target, "set_params"):
            return
        hint = (
            f" Did you mean '{prefix}_params__{key}'?"
            if f"{prefix}_params" in self._dict_params
            else ""
        )
        raise ValueError(
            f"Invalid parameter {name!r} for estimator {type(self).__name__}: {prefix} is "
            f"{target!r}, which has no settings of its own.{hint}"
        )

    def _updated_callbacks(self, updates):
        """A new callbacks list with ``updates`` (``<name>[__<param>]: value``) applied."""
        callbacks = list(self.callbacks) if isinstance(self.callbacks, list) else []
        names = callback_names(callbacks)
        settings = {}
        for key, value in updates.items():
            name, sep, param = key.partition("__")
            if name not in names:
                raise ValueError(
                    f"Invalid parameter 'callbacks__{key}' for estimator {type(self).__name__}: "
                    f"no callback is named {name!r}.{close_names_hint(name, names)} "
                    f"The callbacks are named {names}."
                )
            if sep:
                settings.setdefault(names.index(name), {})[param] = value
            else:
                callbacks[names.index(name)] = value
        for index, values in settings.items():
            callbacks[index] = clone(callbacks[index]).set_params(**values)
        return callbacks

    def _check_extra_params(self):
        """Checks the constraint table cannot express."""
        sizes = self._hidden_layer_sizes()
        if not all(isinstance(s, Integral) and not isinstance(s, bool) and s > 0 for s in sizes):
            raise ValueError(
                "hidden_layer_sizes must be a sequence of positive integers, one positive "
                "integer or 'auto', "
                f"got {self.hidden_layer_sizes!r}."
            )
        for callback in self.callbacks or []:
            if not isinstance(callback, Callback):
                raise TypeError(
                    "Every entry of callbacks must be a skneural.callbacks.Callback "
                    f"instance, got {type(callback).__name__}: {callback!r}."
                )
            callback._validate_params()
        if isinstance(self.augmentation, type):
            raise TypeError(
                "augmentation must be an instance (such as ImageAugment()) or a function "
                f"of a batch, got the class {self.augmentation.__name__}."
            )
        if isinstance(self.augmentation, BatchAugmentation):
            self.augmentation._validate_params()
        self._check_tta()
        self._check_module_spec()
        device = resolve_device(self.device)
        check_precision(self.precision, device)
        if self.compile:
            check_compile_supported()
        return device

    def _check_module_spec(self):
        """``module`` names how to build a network: a class or a factory, not a
        network itself (every fit builds a new one, leaving the parameter as
        it was)."""
        if isinstance(self.module, type) and not issubclass(self.module, torch.nn.Module):
            raise TypeError(
                "module must be a built-in name, a torch.nn.Module subclass or a "
                f"callable returning a module; got the class {self.module.__name__}."
            )
        if isinstance(self.module, torch.nn.Module):
            name = type(self.module).__name__
            raise TypeError(
                "module must be a built-in name, a torch.nn.Module subclass or a "
                f"callable returning a module; got an instance of {name}. Every fit builds a "
                f"new network: pass the class (module={name}, with its constructor "
                "arguments in module_params) or a function that builds one "
                f"(module=lambda n_features_in, n_outputs: {name}(...))."
            )

    # --------------------------------------------------------------- data
    @property
    def preprocessor_(self):
        """The fitted input transformer (``None`` without one); see ``input_layer_``."""
        return self.input_layer_.preprocessor_

    def _validate_inputs(self, X, y=None, *, reset, layer_fitted=None):
        """Check ``X`` (and ``y``) as the input layer asks, recording
        (``reset``) or checking the number of features and their names.
        ``layer_fitted``: whether the input layer was fitted already
        (default: unless ``reset``), so it checks ``X`` against its fit."""
        layer = self.input_layer_
        if layer_fitted is None:
            layer_fitted = not reset
        layer.check_input(X, fitting=not layer_fitted)
        if y is not None and self._y_numeric:
            check_numeric_target(y, type(self).__name__)
        checks = layer.x_validation
        if checks is None:  # the layer takes X as given
            if y is not None:
                y = validate_data(
                    self, "no_validation", y, multi_output=True, y_numeric=self._y_numeric
                )
                check_consistent_length(X, y)
            view = layer.features_view(X)
            _check_feature_names(self, view, reset=reset)
            _check_n_features(self, view, reset=reset)
            return X, y
        if y is None:
            return validate_data(self, X, reset=reset, **checks), None
        return validate_data(
            self, X, y, reset=reset, multi_output=True, y_numeric=self._y_numeric, **checks
        )

    def _sample_weight(self, sample_weight, X, y_raw):
        """Per-row weights (sample and class weights combined), or ``None``."""
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=np.float64, ensure_non_negative=True
            )
        sample_weight = self._apply_class_weight(sample_weight, y_raw)
        if sample_weight is None:
            return None
        if not sample_weight.sum() > 0:
            raise ValueError(
                "sample_weight must have at least one positive entry; all weights are zero."
            )
        return sample_weight.astype(np.float32)

    def _apply_class_weight(self, sample_weight, y_raw):
        return sample_weight

    def _check_warm_start_targets(self, y) -> None:
        """Raise unless a warm-start ``fit`` may continue on ``y`` (no rule here)."""

    # ----------------------------------------------------------------- fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train the network on ``X`` and ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Numeric arrays of any int or float dtype, sparse matrices, or a
            DataFrame (its column names go to ``feature_names_in_``; with
            ``preprocessing="auto"`` it may hold text, category, boolean and
            datetime columns and missing values). For a sequence module:
            ``(n_samples, n_timesteps)``, ``(n_samples, n_channels,
            n_timesteps)`` or a list of ``(n_channels, n_timesteps_i)`` arrays,
            NaN-padded at the end (see :class:`skneural.data.SequenceInput`).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative per-sample weights of the loss.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    def _fit(self, X, y, sample_weight, *, incremental, classes=None):
        """Train from scratch, or continue the current network.

        A fit that builds a new network either completes or leaves the
        estimator as it was (fitted to the previous data, or unfitted): any
        exception it raises puts the attributes back, and a
        ``KeyboardInterrupt`` before the first epoch is raised, not swallowed.
        A continued fit (``partial_fit``, ``warm_start``) changes the existing
        network in place.
        """
        continuing = (incremental or self.warm_start) and hasattr(self, "module_")
        if continuing:
            return self._train(X, y, sample_weight, incremental, classes, continuing=True)
        with _restored_on_failure(self):
            return self._train(X, y, sample_weight, incremental, classes, continuing=False)

    def _train(self, X, y, sample_weight, incremental, classes, *, continuing):
        device = self._check_extra_params()
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        n_epochs = 1 if incremental else self.max_epochs
        # scikit-learn callbacks score on the data as the user passed it.
        sklearn_task = self._sklearn_fit_task(n_epochs, X, y, sample_weight)
        seed_rng = check_random_state(self.random_state)
        split_seed, torch_seed = seed_rng.randint(_SEED_HIGH, size=2)
        # A pretrained backbone brings its fitted input layer (same scaling and
        # category codes as in pretraining), which is used as it is.
        layer_fitted = continuing
        if not continuing:
            params = self.get_params(deep=False)
            self.input_layer_ = pretrained_input_layer(params, X)
            layer_fitted = self.input_layer_ is not None
            if not layer_fitted:
                self.input_layer_ = select_input_layer(
                    params, X, owner=type(self).__name__, random_state=int(split_seed)
                )
        X, y = self._validate_inputs(X, y, reset=not continuing, layer_fitted=layer_fitted)
        weights = self._sample_weight(sample_weight, X, y)
        if continuing and not incremental:
            self._check_warm_start_targets(y)
        y_tensor = self._encode_targets(
            y, fitting=not continuing, classes=classes, sample_weight=weights
        )
        if layer_fitted:
            X = self.input_layer_.transform(X)
        else:
            X = self.input_layer_.fit_transform(X, y_tensor, sample_weight=weights)
        loss_spec = self._resolve_loss()
        if continuing:
            # A different seed per continuation, reproducible from random_state.
            torch_seed = (int(torch_seed) + self.n_iter_) % _SEED_HIGH

        if incremental:
            train_index, valid_index = np.arange(X.shape[0]), np.arange(0)
        else:
            train_index, valid_index = validation_split(
                X.shape[0],
                self.validation_fraction,
                int(split_seed),
                stratify=self._stratify_labels(y_tensor),
                min_valid_rows=self._recipe().min_validation_rows,
            )

        with (
            torch_threads(self.n_threads),
            torch.random.fork_rng(devices=[device] if device.type == "cuda" else []),
        ):
            torch.manual_seed(int(torch_seed))
            if not continuing:
                self._link = loss_spec.link
                self._init_network(X, train_index, loss_spec.n_outputs, device)
            elif self.device_ != device:
                self.module_.to(device)
                self._optimizer = None
                self.device_ = device
            if self.compile:  # after the 2-row check of a new network (one compile less)
                compile_in_place(self.module_)
            batch_size = (
                auto_batch_size(len(train_index)) if self.batch_size == "auto" else self.batch_size
            )
            if getattr(self, "_optimizer", None) is None or self._optimizer_settings_changed():
                self._optimizer = self._make_optimizer(batch_size)
            # One network input on the device, shared by the training and
            # validation rows (never copied into subsets).
            X_device = to_device(X, device)
            train = self._tensor_data(X_device, y_tensor, weights, train_index)
            valid = (
                self._tensor_data(X_device, y_tensor, weights, valid_index)
                if len(valid_index)
                else None
            )
            generator = torch.Generator().manual_seed(int(torch_seed))
            augment = self._batch_augmenter(seed_rng, device, y_tensor, continuing)
            epochs_done = self.n_iter_ if continuing else 0
            callbacks = self._fit_callbacks(
                n_train=len(train_index),
                has_validation=valid is not None,
                incremental=incremental,
                sklearn_task=sklearn_task,
            )
            trainer = Trainer(
                self.module_,
                loss_spec,
                self._optimizer,
                device=device,
                batch_size=batch_size,
                shuffle=self.shuffle,
                generator=generator,
                callbacks=callbacks,
                history=self.history_ if continuing else None,
                verbose=self.verbose,
                identity=lambda: self._run_identity(
                    X, y, weights, epochs_done, (split_seed, torch_seed)
                ),
                penalty=make_weight_penalty(self.alpha, self.l1_ratio),
                augment=augment,
                autocast=training_autocast(self.precision, device),
            )
            try:
                with compile_failures_explained(self.compile):
                    trainer.fit(train, valid, n_epochs=n_epochs)
            except KeyboardInterrupt:
                # A new network without a trained epoch is no model to keep.
                if interrupt_should_propagate() or (not continuing and trainer.epoch == 0):
                    raise
                warnings.warn(
                    f"Training interrupted by the user after {trainer.epoch} epochs; "
                    f"{type(self).__name__} keeps the weights trained so far.",
                    UserWarning,
                    stacklevel=3,
                )
            else:
                self._warn_unless_converged(trainer, callbacks, incremental)
            # Kept in eval mode between fits: concurrent predictions (threads)
            # then never switch the network's mode under each other.
            self.module_.eval()
            self._calibrate(valid)
        self.history_ = trainer.history
        self.n_iter_ = trainer.epoch
        # The user's order, built-in early stopping last, internal helpers left out.
        self.callbacks_ = [cb for cb in callbacks if not getattr(cb, "_transient", False)]
        if sklearn_task is not None:
            sklearn_task.end()
        return self

    def _warn_unless_converged(self, trainer, callbacks, incremental) -> None:
        """scikit-learn's ``ConvergenceWarning`` when ``max_epochs`` ended a fit
        that early stopping was watching: the monitored loss was still
        improving (not for ``partial_fit``, nor for a fit without early
        stopping, which trains the epochs asked for)."""
        stoppers = [cb for cb in callbacks if isinstance(cb, EarlyStopping)]
        if incremental or trainer.should_stop or not stoppers:
            return
        warnings.warn(
            f"{type(self).__name__} reached max_epochs={self.max_epochs} before early "
            f"stopping ended training: its {stoppers[-1].monitor} was still improving, "
            "so the network may not have converged. Raise max_epochs to train until it "
            "stops improving.",
            ConvergenceWarning,
            stacklevel=6,  # the user's call of fit
        )

    @property
    def loss_curve_(self) -> list:
        """The training loss of each epoch, as scikit-learn's MLP names it."""
        check_is_fitted(self, "history_")
        return self.history_.column("train_loss")

    @property
    def loss_(self) -> float:
        """The training loss of the last epoch (scikit-learn's MLP name)."""
        return self.loss_curve_[-1]

    @property
    def best_loss_(self) -> float | None:
        """The lowest training loss of the epochs, when the last fit held out
        no validation rows; ``None`` when it did (scikit-learn's MLP: ``None``
        with early stopping, where the validation decides)."""
        check_is_fitted(self, "history_")
        if "valid_loss" in self.history_[-1]:
            return None
        return min(self.loss_curve_)

    @property
    def validation_scores_(self) -> list | None:
        """The validation score of each epoch (accuracy for classifiers, R^2
        for regressors), or ``None`` when the last fit held out no
        validation rows (scikit-learn's MLP name)."""
        check_is_fitted(self, "history_")
        if self._validation_score_key not in self.history_[-1]:
            return None
        return self.history_.column(self._validation_score_key)

    @property
    def best_validation_score_(self) -> float | None:
        """The best of :attr:`validation_scores_`, or ``None`` without them."""
        scores = self.validation_scores_
        return None if scores is None else max(scores)

    def _batch_augmenter(self, seed_rng, device, y_tensor, continuing):
        """The ``augmentation`` with a generator of its own on ``device``, or ``None``.

        Its seed is the third draw from ``random_state`` (made only with an
        augmentation, so fits without one are unchanged), shifted per
        continued fit like the other seeds.
        """
        if self.augmentation is None:
            return None
        if isinstance(self.augmentation, BatchAugmentation):
            self.augmentation.check_input_layer(self.input_layer_)
        seed = int(seed_rng.randint(_SEED_HIGH))
        if continuing:
            seed = (seed + self.n_iter_) % _SEED_HIGH
        generator = torch.Generator(device=device).manual_seed(seed)
        n_classes = (
            self._augmentation_n_classes() if not torch.is_floating_point(y_tensor) else None
        )
        return BatchAugmenter(self.augmentation, generator, n_classes)

    def _augmentation_n_classes(self):
        """Number of classes of class-index targets, for mixing augmentations."""
        return None

    def _calibrate(self, valid):
        """Post-training step on the validation rows (``None`` without them);
        the classifier fits its softmax temperature here."""

    def _sklearn_fit_task(self, n_epochs, X, y, sample_weight):
        """Open this fit's task for scikit-learn callbacks (``None`` without them)."""
        if not getattr(self, "_skl_callbacks", None):
            return None
        context = self._init_callback_context(max_subtasks=n_epochs)
        return SklearnFitTask(context, self, X, y, sample_weight).begin()

    def _run_identity(self, X, y, weights, epochs_done, seeds) -> dict:
        """What this fit's training depends on, as plain values.

        The parameters (``verbose``, ``tta`` and observer callbacks left out), the seeds
        drawn from ``random_state`` (new ones every fit when it is ``None``),
        the training data and the epochs trained before. Checkpoints resume
        only a fit with the same identity (see
        :mod:`skneural.training._run_identity`).
        """
        params = self.get_params(deep=False)
        # tta acts in predict only; num_workers reads the same rows
        del params["verbose"], params["tta"], params["num_workers"]
        params["callbacks"] = [cb for cb in self.callbacks or [] if cb._identity() is not None]
        return {
            "estimator": type(self).__name__,
            "params": describe(params),
            "seeds": [int(seed) for seed in seeds],
            "data": joblib.hash((X, y, weights)),
            "epochs_done": int(epochs_done),
        }

    def _init_network(self, X, train_index, n_outputs, device):
        """Build the network for the network input ``X`` and check it on two
        training rows: trainable, with floating-point outputs of the width the
        loss needs (the rows a module's ``data_dependent_kwargs`` reads are
        gathered only when it needs them)."""
        self.device_ = device
        self.module_ = build_module(
            self.module,
            n_outputs=n_outputs,
            input_params=self.input_layer_.module_kwargs,
            architecture_params={
                "hidden_layer_sizes": self._hidden_layer_sizes(len(train_index)),
                "activation": self.activation,
                "dropout": (
                    auto_dropout(len(train_index)) if self.dropout == "auto" else self.dropout
                ),
                "batch_norm": self.batch_norm,
            },
            module_params={
                **self._numeric_encoding_params(len(train_index)),
                **{
                    name: value
                    for name, value in (self.module_params or {}).items()
                    if name not in self.input_layer_.consumed_module_params
                },
                **self.input_layer_.rewritten_module_params(),
            },
            training_data=lambda: X[_statistics_rows(train_index)],
        ).to(device)
        check_new_network(self.module_, X[train_index[:2]], n_outputs, device, type(self).__name__)
        self._optimizer = None

    def _numeric_encoding_params(self, n_train) -> dict:
        """The module arguments of ``numeric_encoding`` (``"auto"`` resolved):
        a piecewise-linear encoding of ``ENCODING_BINS`` quantile bins, or
        none. A ``numeric_embedding`` in ``module_params`` takes precedence."""
        encoding = self.numeric_encoding
        if encoding == "auto":
            encoding = auto_numeric_encoding(self.module, self.input_layer_.kind, n_train)
        if encoding is None or "numeric_embedding" in (self.module_params or {}):
            return {}
        if not accepted_params(self.module, {"numeric_embedding": None}):
            name = self.module if isinstance(self.module, str) else repr(self.module)
            raise ValueError(
                f"numeric_encoding={encoding!r} needs a module whose constructor takes "
                f"numeric_embedding (the built-in 'mlp' and 'resnet'); module {name} "
                "does not. Use numeric_encoding=None."
            )
        return {"numeric_embedding": "piecewise_linear_encoding", "n_bins": ENCODING_BINS}

    def _hidden_layer_sizes(self, n_train=None) -> tuple:
        """``hidden_layer_sizes``, ``"auto"`` resolved by the module's recipe
        (and by the size of the table, once ``n_train`` is known)."""
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, str) and sizes == "auto":
            if n_train is not None and self._large_table_rules(n_train):
                return LARGE_TABLE_HIDDEN
            return self._recipe().hidden_layer_sizes
        if isinstance(sizes, Integral):  # one hidden layer, as scikit-learn's MLP reads it
            return (sizes,)
        return tuple(sizes)

    def _large_table_rules(self, n_train) -> bool:
        """Whether the ``"auto"`` settings follow the large-table rules: a
        table (not images, sequences or a torch ``Dataset``) of a large
        number of training rows, for a module without a recipe of its own."""
        return self._recipe() is TABULAR_RECIPE and is_large_table_fit(
            self.input_layer_.kind, n_train
        )

    def _recipe(self):
        """The rules of the ``"auto"`` settings for the kind of input the
        module declares (``input_kind``; tables when it declares none)."""
        return recipe_for(module_input_kind(self.module))

    def _optimizer_settings(self) -> tuple:
        """The parameters the optimizer is built from."""
        return (
            self.optimizer,
            self.lr,
            self.batch_size,
            self.weight_decay,
            copy.deepcopy(self.optimizer_params),
        )

    def _optimizer_settings_changed(self) -> bool:
        """Whether ``set_params`` changed the optimizer's settings since it was
        built: a warm-start ``fit`` or ``partial_fit`` then starts a new one
        with them (keeping the weights), as scikit-learn's MLP does."""
        return getattr(self, "_built_optimizer_settings", None) != self._optimizer_settings()

    def _make_optimizer(self, batch_size=REFERENCE_BATCH):
        """The optimizer; ``lr="auto"`` follows ``batch_size`` and the module's
        recipe (a restored optimizer state brings its own learning rate)."""
        self._built_optimizer_settings = self._optimizer_settings()
        return build_optimizer(
            self.optimizer,
            self.module_,
            lr=auto_lr(batch_size, self._recipe()) if self.lr == "auto" else self.lr,
            weight_decay=self.weight_decay,
            optimizer_params=self.optimizer_params or {},
        )

    @staticmethod
    def _tensor_data(X, y, weights, index):
        """The rows ``index`` of the network input ``X`` (a tensor on the device)."""
        device = X.device
        index_tensor = torch.from_numpy(index)
        return TensorData(
            X,
            y[index_tensor].to(device),
            None if weights is None else torch.from_numpy(weights[index]).to(device),
            rows=None if len(index) == X.shape[0] else index_tensor.to(device),
        )

    def _fit_callbacks(self, *, n_train, has_validation, incremental, sklearn_task=None):
        callbacks = [copy.deepcopy(cb) for cb in self.callbacks or []]
        if sklearn_task is not None:
            callbacks.append(SklearnEpochTasks(sklearn_task))
        schedule = self._auto_lr_schedule(callbacks, incremental, n_train, has_validation)
        if schedule is not None:
            callbacks.append(schedule)
        decays_on_plateau = schedule is not None and schedule.policy == "reduce_on_plateau"
        if self.weight_averaging is not None and not incremental:
            callbacks.append(WeightAveraging(self.weight_averaging))
        if (
            self.early_stopping
            and not incremental
            and (has_validation or self._recipe().stop_on_training_loss)
        ):
            auto = self.n_iter_no_change == "auto"
            callbacks.append(
                EarlyStopping(
                    monitor="valid_loss" if has_validation else "train_loss",
                    patience=(
                        auto_patience(n_train, decays_on_plateau=decays_on_plateau)
                        if auto
                        else self.n_iter_no_change
                    ),
                    min_delta=self.tol,
                    relative_delta=auto_relative_tol(decays_on_plateau) if auto else 0.0,
                )
            )
        return callbacks

    def _auto_lr_schedule(self, callbacks, incremental, n_train, has_validation):
        """The schedule ``lr="auto"`` brings, or ``None``: the recipe's cosine
        (sequence modules), or on large tables a decay on validation-loss
        plateaus. None in ``partial_fit``, beside a callback that sets the
        learning rate (an ``LRScheduler``, a snapshot ensemble's cycles), or
        for a plateau without validation rows."""
        if (
            self.lr != "auto"
            or incremental
            or any(getattr(cb, "_schedules_lr", False) for cb in callbacks)
        ):
            return None
        if self._recipe().cosine_lr:
            return LRScheduler("cosine", step_every="batch")
        if has_validation and self._large_table_rules(n_train):
            return LRScheduler("reduce_on_plateau", params=plateau_schedule_params())
        return None

    def categorical_embeddings(self) -> dict:
        """The learned embedding of every category of every embedded column.

        Returns
        -------
        dict of str to pandas.DataFrame
            Column name to a DataFrame with one row per category (indexed by
            the category; ``"<unknown>"`` is the vector used for categories
            not seen in fit) and one column per embedding dimension.

        Raises
        ------
        ValueError
            When the network embeds no categorical column.
        """
        import pandas as pd

        check_is_fitted(self, "module_")
        tables = getattr(self.module_, "categorical_embeddings", dict)()
        if not tables:
            raise ValueError(
                f"This {type(self).__name__} embeds no categorical column: fit it on a "
                "DataFrame with a categorical column of more levels than are one-hot "
                "encoded (32 with preprocessing='auto', max_onehot_cardinality with a "
                "TabularPreprocessor as preprocessing), or declare integer-code columns "
                "with module_params={'categorical_cardinalities': {column: n_codes}}."
            )
        labels = self.input_layer_.code_labels()
        frames = {}
        for column, table in tables.items():
            name, index = labels[column]
            weights = table.detach().cpu().numpy()
            frames[name] = pd.DataFrame(weights, index=pd.Index(index, name=name))
        return frames

    # ------------------------------------------------------------- predict
    def _predict_outputs(self, X, to_prediction):
        """``to_prediction`` of the network's outputs (float64, on the CPU)
        for ``X``, averaged over the ``tta`` views of each row."""
        check_is_fitted(self, "module_")
        X = self._validate_inputs(X, reset=False)[0]
        self._check_tta()
        outputs = []
        with torch_threads(self.n_threads), compile_failures_explained(self.compile):
            # Block by block, so predict holds one block of the network input.
            for block in self.input_layer_.transform_in_chunks(X):
                total = None
                for view in self._tta_views(block):
                    raw = forward_in_chunks(self.module_, view, self.device_).cpu().double()
                    prediction = to_prediction(raw)
                    total = prediction if total is None else total + prediction
                outputs.append(total / self.tta if self.tta > 1 else total)
        return outputs[0] if len(outputs) == 1 else torch.cat(outputs)

    def _check_tta(self):
        if self.tta > 1 and not isinstance(self.augmentation, BatchAugmentation):
            raise ValueError(
                f"tta={self.tta} averages predictions over views made by the input "
                "transforms of augmentation, which must then be a skneural "
                "BatchAugmentation (such as ImageAugment()); got "
                f"augmentation={self.augmentation!r}."
            )

    def _tta_views(self, block):
        """The network input ``block`` itself, then its ``tta - 1`` augmented views.

        View ``k`` applies one random transform to every row, from a
        generator seeded alike for every block, so a row's prediction never
        depends on the rows predicted with it, and repeated predictions are
        identical.
        """
        if self.tta == 1:
            return iter([block])
        generator = torch.Generator(device=self.device_).manual_seed(0)
        X = torch.from_numpy(block).to(self.device_)
        return tta_views(self.augmentation, X, self.tta, generator, shared_draws=True)

    # --------------------------------------------------------- persistence
    def __getstate__(self):
        state = dict(super().__getstate__())  # a copy: never alter the live estimator
        if state.get("module_") is not None:
            state["module_"] = copy.deepcopy(self.module_).to("cpu")
        if state.get("_optimizer") is not None:
            optimizer = copy.deepcopy(self._optimizer)
            state["_optimizer_state"] = _to_cpu(optimizer.state_dict())
        state["_optimizer"] = None
        return state

    def __setstate__(self, state):
        optimizer_state = state.pop("_optimizer_state", None)
        super().__setstate__(state)
        if "module_" not in state:
            return
        device = loadable_device(self.device_)
        if device != self.device_:
            warnings.warn(
                f"This model was fitted on {self.device_} which is not available here; "
                f"it was loaded on {device}.",
                UserWarning,
                stacklevel=2,
            )
            self.device_ = device
        self.module_.to(device).eval()
        if getattr(self, "compile", False):  # pickles hold the plain module
            compile_in_place(self.module_)
        if optimizer_state is not None:
            self._optimizer = self._make_optimizer()
            self._optimizer.load_state_dict(optimizer_state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Sequence modules read NaN as padding (or a missing step); sequences and
        # images are dense arrays, tables may be sparse matrices.
        sequences = module_input_kind(self.module) == "sequence"
        # Without data, accepts() reads these two parameters only; get_params()
        # would inspect the constructor's signature, and scikit-learn reads the
        # tags twice in every predict (a quarter of a one-row predict's time).
        declared = {"module": self.module, "module_params": self.module_params}
        images = ImageInput.accepts(declared, None)
        tags.input_tags.sparse = not (sequences or images)
        tags.input_tags.allow_nan = sequences
        return tags


# Attributes scikit-learn's callback machinery (sklearn >= 1.9) sets during a
# fit and deletes in its own teardown, after ``_fit`` returns or raises.
_SKLEARN_FIT_SCOPED = ("_callback_fit_ctx", "_skl_callbacks_to_teardown")


#: At most this many training rows give a module its data-dependent
#: arguments (the quantile bin edges of piecewise-linear encodings and
#: embeddings): a copy of every row of a table of millions would double
#: the memory of a fit, for quantiles that 10,000 rows already pin down.
STATISTICS_ROWS = 10_000


def _statistics_rows(train_index: np.ndarray) -> np.ndarray:
    """``train_index``, or a sorted subset of :data:`STATISTICS_ROWS` of its
    rows drawn with a fixed seed (the same rows for the same data)."""
    if len(train_index) <= STATISTICS_ROWS:
        return train_index
    chosen = np.random.default_rng(0).choice(len(train_index), STATISTICS_ROWS, replace=False)
    return train_index[np.sort(chosen)]


@contextmanager
def _restored_on_failure(estimator):
    """Put ``estimator``'s attributes back as they were if the block raises
    (any exception, ``KeyboardInterrupt`` included)."""
    before = dict(vars(estimator))
    try:
        yield
    except BaseException:
        attributes = vars(estimator)
        scoped = {name: attributes[name] for name in _SKLEARN_FIT_SCOPED if name in attributes}
        attributes.clear()
        attributes.update(before, **scoped)
        raise


def _to_cpu(value):
    if isinstance(value, torch.Tensor):
        return value.cpu()
    if isinstance(value, dict):
        return {k: _to_cpu(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_to_cpu(v) for v in value)
    return value
