"""Fine-tuning: a pretrained network as the ``module`` of a new estimator.

``NeuralClassifier(module=backbone(pretrained))`` trains a copy of a fitted
estimator's network on new data: the estimator's network builder calls the
:class:`PretrainedBackbone` with the new data's shape and number of outputs,
and gets the pretrained network back with a new output layer, parts of it
frozen and the rest at a lower learning rate if asked. The head is found
through the convention of :class:`skneural.nn.FineTunableModule`.
"""

import copy
import fnmatch
import functools
import hashlib
import os
from numbers import Real
from pathlib import Path

import torch
from sklearn.base import BaseEstimator

from ..estimators._base import BaseNeuralEstimator
from ..nn import FineTunableModule
from ..training._budget import TABLE_INPUT_KINDS
from ..utils._sklearn_compat import Interval, _num_features, validate_parameter_constraints


def _resolve_source(source) -> BaseNeuralEstimator:
    """The fitted estimator whose network ``source`` names.

    Parameters
    ----------
    source : NeuralClassifier, NeuralRegressor, str or path-like
        A fitted skneural estimator, the path of a model saved with
        :func:`~skneural.save_pretrained`, or the name of a zoo model.

    Returns
    -------
    BaseNeuralEstimator
        A fitted estimator with ``module_`` and ``input_layer_``.
    """
    if isinstance(source, str | os.PathLike):
        return _load_source(*_saved_model_key(source))
    if isinstance(source, BaseNeuralEstimator):
        if not hasattr(source, "module_"):
            raise ValueError(
                f"The backbone source {type(source).__name__} is not fitted; fit it (or load "
                "a pretrained model) before fine-tuning its network."
            )
        return source
    raise TypeError(
        "The backbone source must be a fitted skneural estimator (NeuralClassifier or "
        "NeuralRegressor), a saved model's directory or a zoo model's name, got "
        f"{type(source).__name__}: {source!r}."
    )


def _saved_model_key(source) -> tuple[str, int]:
    """The directory ``source`` names (a path, else a zoo name) and the time
    its manifest was written: a saved model is read again only when it changes."""
    from ._format import MANIFEST  # not at the top: the codec imports this module
    from ._registry import model_directory

    path = Path(source)
    if path.is_dir():
        directory = path
    elif _names_a_path(source):
        problem = "is not a directory" if path.exists() else "does not exist"
        raise ValueError(
            f"The backbone source {os.fspath(source)!r} {problem}: a path names the directory "
            "of a model saved with skneural.save_pretrained."
        )
    else:
        directory = model_directory(source)
    manifest = directory / MANIFEST
    return str(directory.resolve()), manifest.stat().st_mtime_ns if manifest.is_file() else 0


def _names_a_path(source) -> bool:
    """Whether ``source`` is a path rather than a zoo name: a path-like object,
    or a string with a path separator (which zoo names never have)."""
    if isinstance(source, os.PathLike):
        return True
    return any(separator in source for separator in (os.sep, os.altsep) if separator)


@functools.lru_cache(maxsize=8)
def _load_source(directory: str, written: int) -> BaseNeuralEstimator:
    """The saved model in ``directory``, loaded once per version (the
    estimator reads its source several times per fit; nobody changes it)."""
    from ._format import load_pretrained  # not at the top: the codec imports this module

    return load_pretrained(directory)


class PretrainedBackbone(BaseEstimator):
    """A fitted estimator's network, to fine-tune as the ``module`` of a new estimator.

    The estimator's network builder calls it with the new data's
    ``n_outputs`` and input shape; it returns a deep copy of the source's
    network whose output layer is replaced by a freshly initialised one with
    ``n_outputs`` outputs (always, so new classes start from scratch), with
    the ``freeze`` parameters frozen and the rest of the backbone at
    ``backbone_lr_scale`` times the learning rate. The source is read, never
    changed. The source network must follow the head convention of
    :class:`skneural.nn.FineTunableModule` (every built-in module does).

    Its settings are parameters, so a search tunes them through the
    estimator: ``{"module__freeze": [None, "backbone"],
    "module__backbone_lr_scale": [0.1, 1.0]}``. ``clone`` keeps the same
    source (it is never trained), with copies of the settings.

    On tables, the new estimator reads its data through a copy of the
    source's fitted input layer (:meth:`fitted_input_layer`): the same
    scaling and category codes as in pretraining, so the pretrained network
    sees the new data as it saw the old, even when the new data has other
    ranges or only some of the categories. Images and sequences are read
    with an input layer fitted to the new data's layout (flattened pixels,
    ``(n, H, W)`` images, any sequence length) that standardises the
    channels with the source's statistics, or not at all when the source
    did not. An estimator that sets ``preprocessing`` itself fits that
    instead, on the new data.
    The data must give inputs of the source's shape: the same columns, image
    shape or sequence channels (any length for the built-in sequence
    modules). Normalisation statistics (batch norm running means) of frozen
    layers still follow the new data.

    Parameters
    ----------
    source : NeuralClassifier, NeuralRegressor, str or path-like
        Where the pretrained network comes from: a fitted estimator, the
        name of a zoo model (``"digits-cnn"``, see
        :func:`skneural.zoo.list_models`) or the directory of a model saved
        with :func:`skneural.save_pretrained` (a string naming an existing
        directory, or with a path separator, is read as a path). A name or
        path is loaded when first needed, once, and is what
        ``save_pretrained`` stores for a fine-tuned model. Only fitting reads
        the source: a fitted estimator predicts, pickles and loads from its
        own saved directory without it.
    freeze : None, "backbone", str or list of str, default=None
        Parameters kept at their pretrained values (``requires_grad=False``):
        none, every parameter outside the head (``"backbone"``), or those
        whose name (as in ``module_.named_parameters()``, e.g.
        ``"features.0.0.weight"``) matches one of these ``fnmatch``
        patterns (``"features.0.*"``); a pattern that matches nothing, or
        patterns that match every parameter (the head's too), are an error.
    backbone_lr_scale : float, default=1.0
        Learning rate of the parameters outside the head relative to the
        estimator's ``lr`` (discriminative learning rates: e.g. 0.1 adapts
        the pretrained features slowly while the new head learns at ``lr``).

    See Also
    --------
    backbone : Build one, checking the source at once.
    skneural.callbacks.GradualUnfreezing : Unfreeze layer groups during training.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skneural import NeuralClassifier
    >>> from skneural.zoo import PretrainedBackbone
    >>> X, y = load_digits(return_X_y=True)
    >>> X = X.reshape(-1, 1, 8, 8) / 16
    >>> small = dict(module_params={"channels": (8,)}, max_epochs=2, random_state=0)
    >>> pretrained = NeuralClassifier(module="cnn", **small).fit(X[y < 5], y[y < 5])
    >>> tuned = NeuralClassifier(
    ...     module=PretrainedBackbone(pretrained, freeze="backbone"),
    ...     max_epochs=2, random_state=0,
    ... ).fit(X[y >= 5], y[y >= 5])
    >>> tuned.classes_
    array([5, 6, 7, 8, 9])
    """

    _parameter_constraints: dict = {
        "source": "no_validation",
        "freeze": [None, str, list, tuple],
        "backbone_lr_scale": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, source, *, freeze=None, backbone_lr_scale=1.0):
        self.source = source
        self.freeze = freeze
        self.backbone_lr_scale = backbone_lr_scale

    def get_params(self, deep=True) -> dict:
        """The settings; never those of the source estimator (it is data, not a setting).

        Parameters
        ----------
        deep : bool, default=True
            Ignored: the source's own parameters are not listed.

        Returns
        -------
        dict
        """
        return super().get_params(deep=False)

    def __sklearn_clone__(self):
        # The source is a fitted model: cloning it like an estimator would
        # drop its weights, so the clone shares it (neither ever changes it),
        # and what is remembered of it.
        freeze = self.freeze
        clone = type(self)(
            self.source,
            freeze=copy.copy(freeze) if isinstance(freeze, list) else freeze,
            backbone_lr_scale=self.backbone_lr_scale,
        )
        if hasattr(self, "_remembered"):
            clone._remembered = self._remembered
        return clone

    # ------------------------------------------------------------ the source
    def _resolved_source(self) -> BaseNeuralEstimator:
        """The source estimator, whose traits are remembered on the way."""
        source = _resolve_source(self.source)
        self._remember(source.module_, source.input_layer_)
        return source

    def _remember(self, network, input_layer) -> None:
        """Remember the traits of the source (see :func:`_traits`), read from
        its fitted ``network`` and ``input_layer`` or those of an estimator
        fine-tuned from it (the same network class, a new head)."""
        self._remembered = (self.source, _traits(network, input_layer))

    def _source_traits(self) -> dict:
        """The remembered traits of the source; the source is read only when
        none are remembered for it (a fitted estimator predicts without it)."""
        remembered = getattr(self, "_remembered", None)
        if remembered is None or remembered[0] is not self.source:
            self._resolved_source()
        return self._remembered[1]

    # -------------------------------------------------- read by the estimator
    @property
    def input_kind(self):
        """The source network's ``input_kind`` (``"image"``, ``"sequence"`` or ``None``)."""
        return self._source_traits()["input_kind"]

    @property
    def accepts_any_length(self) -> bool:
        """Whether the source network takes sequences of any length."""
        return self._source_traits()["accepts_any_length"]

    @property
    def vocab_size(self):
        """The source's token vocabulary size (``None`` unless it reads token ids)."""
        return self._source_traits()["vocab_size"]

    def source_input_layer(self):
        """The source estimator's fitted input layer (read, never changed):
        image and sequence inputs of the new estimator take their channel
        standardisation from it (see
        :func:`skneural.data._input_layer.pretrained_channel_statistics`)."""
        return self._resolved_source().input_layer_

    def fitted_input_layer(self, X):
        """A copy of the source's fitted input layer when it reads tables, for
        the new estimator to use as it is on ``X``; ``None`` for images and
        sequences, whose layout the new estimator reads from its own data.

        Raises a ``ValueError`` when ``X`` has another number of columns
        than the source's training data.
        """
        source = self._resolved_source()
        if source.input_layer_.kind not in TABLE_INPUT_KINDS:
            return None
        try:
            n_features = _num_features(X)
        except TypeError:  # not a table: the estimator's validation says what is wrong
            n_features = source.n_features_in_
        if n_features != source.n_features_in_:
            raise ValueError(
                f"The backbone was pretrained on tables of {source.n_features_in_} columns, "
                f"but X has {n_features}; fine-tune on data with the pretrained columns."
            )
        return copy.deepcopy(source.input_layer_)

    def _identity(self) -> dict:
        """What the run identity records: the settings and a hash of the
        source's weights and input (see ``skneural.training._run_identity``)."""
        return {
            "class": f"{type(self).__module__}.{type(self).__qualname__}",
            "source": _fingerprint(self._resolved_source()),
            "freeze": self.freeze,
            "backbone_lr_scale": self.backbone_lr_scale,
        }

    # -------------------------------------------------------------- building
    def _validate_settings(self) -> None:
        validate_parameter_constraints(
            self._parameter_constraints, self.get_params(deep=False), type(self).__name__
        )

    def __call__(
        self,
        *,
        n_outputs: int,
        n_features_in: int | None = None,
        input_shape: tuple | None = None,
        categorical_cardinalities: dict | None = None,
        vocab_size: int | None = None,
    ) -> FineTunableModule:
        """The network to fine-tune, for data of this shape and ``n_outputs`` outputs.

        Parameters
        ----------
        n_outputs : int
            Outputs of the new head.
        n_features_in, input_shape, categorical_cardinalities
            What the new estimator's input layer tells about the data; they
            must match the source's.
        vocab_size : int, optional
            ``module_params["vocab_size"]`` of the new estimator, for token
            sequences; it must be the source's (its default).

        Returns
        -------
        FineTunableModule
            A new network: the source's, with a new output layer.
        """
        self._validate_settings()
        source = self._resolved_source()
        network = source.module_
        if not isinstance(network, FineTunableModule):
            raise TypeError(
                f"The backbone source's network {type(network).__name__} does not follow the "
                "head convention of skneural.nn.FineTunableModule (a head attribute ending "
                "in the output layer), so its head cannot be rebuilt."
            )
        _check_input_fits(
            source.input_layer_.module_kwargs,
            {
                "n_features_in": n_features_in,
                "input_shape": input_shape,
                "categorical_cardinalities": categorical_cardinalities,
            },
            any_length=bool(getattr(network, "accepts_any_length", False)),
        )
        if vocab_size not in (None, self.vocab_size):
            raise ValueError(
                f"The backbone was pretrained on token ids in [0, {self.vocab_size}), but "
                f"module_params['vocab_size'] is {vocab_size}; leave it out to use the "
                "pretrained vocabulary (map the new data's tokens to its ids)."
            )
        module = copy.deepcopy(network).to("cpu").train()
        module.reset_head(n_outputs)
        frozen = _frozen_names(module, self.freeze)
        for name, parameter in module.named_parameters():
            parameter.requires_grad_(name not in frozen)
        module.backbone_lr_scale = float(self.backbone_lr_scale)
        return module


def backbone(source, *, freeze=None, backbone_lr_scale: float = 1.0) -> PretrainedBackbone:
    """A pretrained network to fine-tune: pass it as an estimator's ``module``.

    The same as :class:`PretrainedBackbone`, but the source and the settings
    are checked now rather than at fit.

    Parameters
    ----------
    source : NeuralClassifier, NeuralRegressor, str or path-like
        A fitted estimator, a zoo model's name or a saved model's directory
        (see :class:`PretrainedBackbone`).
    freeze : None, "backbone", str or list of str, default=None
        Parameters kept at their pretrained values: none, all but the head,
        or those matching these name patterns (see :class:`PretrainedBackbone`).
    backbone_lr_scale : float, default=1.0
        Learning rate of the backbone relative to the estimator's ``lr``.

    Returns
    -------
    PretrainedBackbone

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skneural import NeuralClassifier
    >>> from skneural.zoo import backbone
    >>> X, y = load_digits(return_X_y=True)
    >>> X = X.reshape(-1, 1, 8, 8) / 16
    >>> small = dict(module_params={"channels": (8,)}, max_epochs=2, random_state=0)
    >>> pretrained = NeuralClassifier(module="cnn", **small).fit(X[y < 5], y[y < 5])
    >>> clf = NeuralClassifier(module=backbone(pretrained, backbone_lr_scale=0.1))
    >>> clf.get_params()["module__backbone_lr_scale"]
    0.1
    """
    result = PretrainedBackbone(source, freeze=freeze, backbone_lr_scale=backbone_lr_scale)
    result._resolved_source()
    result._validate_settings()
    return result


def _traits(network, input_layer) -> dict:
    """What the estimator reads of a source besides its network and input
    layer, at fit and at predict (its tags): the network's ``input_kind``,
    whether it takes sequences of any length, the token vocabulary size."""
    return {
        "input_kind": getattr(network, "input_kind", None),
        "accepts_any_length": bool(getattr(network, "accepts_any_length", False)),
        "vocab_size": getattr(input_layer, "vocab_size", None),
    }


def _check_input_fits(expected: dict, given: dict, *, any_length: bool) -> None:
    """Raise a ``ValueError`` naming both shapes unless the new data's input
    (``given``) is what the source network was trained on (``expected``)."""
    expected_shape = tuple(expected["input_shape"])
    shape = None if given["input_shape"] is None else tuple(given["input_shape"])
    compared = slice(None, -1) if any_length else slice(None)
    fits = (
        given["n_features_in"] in (None, expected["n_features_in"])
        and (shape is None or shape[compared] == expected_shape[compared])
        and (given["categorical_cardinalities"] or None)
        == (expected["categorical_cardinalities"] or None)
    )
    if not fits:
        free = " (any length)" if any_length else ""
        raise ValueError(
            f"The backbone was pretrained on inputs of shape {expected_shape}{free} with "
            f"n_features_in={expected['n_features_in']} and categorical columns "
            f"{expected['categorical_cardinalities']}, but this data gives inputs of shape "
            f"{shape} with n_features_in={given['n_features_in']} and categorical columns "
            f"{given['categorical_cardinalities']}; fine-tune on data of the pretrained shape."
        )


def _frozen_names(module: FineTunableModule, freeze) -> set:
    """Names of the parameters of ``module`` that ``freeze`` selects."""
    if freeze is None:
        return set()
    named = dict(module.named_parameters())
    if freeze == "backbone":
        head = {id(p) for p in module.head.parameters()}
        return {name for name, p in named.items() if id(p) not in head}
    patterns = [freeze] if isinstance(freeze, str) else list(freeze)
    for pattern in patterns:
        if not isinstance(pattern, str):
            raise TypeError(
                f"freeze patterns must be strings, got {type(pattern).__name__}: {pattern!r}."
            )
    unmatched = [p for p in patterns if not any(fnmatch.fnmatchcase(n, p) for n in named)]
    if unmatched:
        raise ValueError(
            f"The freeze pattern(s) {unmatched} match no parameter of the "
            f"{type(module).__name__} backbone (freeze='backbone' freezes all but the head). "
            f"Its parameters are: {list(named)}."
        )
    frozen = {name for name in named if any(fnmatch.fnmatchcase(name, p) for p in patterns)}
    if frozen == set(named):
        raise ValueError(
            f"The freeze pattern(s) {patterns} match every parameter of the "
            f"{type(module).__name__} backbone, the new head included, so nothing would "
            "train. Freeze fewer parameters: freeze='backbone' trains the head only."
        )
    return frozen


def _fingerprint(source: BaseNeuralEstimator) -> str:
    """A hash of the source's network (class, weights and buffers) and input shape."""
    digest = hashlib.sha256(type(source.module_).__qualname__.encode())
    digest.update(repr(sorted(source.input_layer_.module_kwargs.items())).encode())
    for name, tensor in source.module_.state_dict().items():
        digest.update(f"{name}:{tensor.dtype}:{tuple(tensor.shape)}".encode())
        digest.update(
            tensor.detach().cpu().reshape(-1).contiguous().view(torch.uint8).numpy().tobytes()
        )
    return digest.hexdigest()[:32]
