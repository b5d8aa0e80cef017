"""The default architecture space of an estimator, and the checks of a space against it.

The default space is assembled from two tables: ``FAMILY_INPUTS`` (which
module families exist and which input each takes) and ``ENTRIES`` (the
decisions, each with the families it applies to). A family takes part only
when its module is registered in ``skneural.nn.BUILTIN_MODULES`` and the
input suits it, and a decision applies to a family only where the module's
constructor accepts the parameters the decision sets. Adding a module family
is adding rows to these tables.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..nn._factory import BUILTIN_MODULES, accepted_params
from ._architecture_space import ArchitectureSpace, Decision, base_param
from ._names import check_param_names
from ._neural_step import neural_steps

# Which input each module family of skneural.nn.BUILTIN_MODULES takes.
FAMILY_INPUTS = {
    "mlp": "tabular",
    "resnet": "tabular",
    "ft_transformer": "tabular",
    "cnn": "image",
    "resnet_cnn": "image",
    "gru": "sequence",
    "lstm": "sequence",
    "inception_time": "sequence",
    "tcn": "sequence",
    "sequence_transformer": "sequence",
}
# The input kind of an array of each number of dimensions: a table (n, d), a
# sequence batch (n, C, T) and an image batch (n, C, H, W), as the modules of
# each kind take them.
_KINDS_BY_NDIM = {2: ("tabular",), 3: ("sequence",), 4: ("image",)}
_IMAGE = ("cnn", "resnet_cnn")
_RECURRENT = ("gru", "lstm")
# Estimator parameters that reach the module's constructor under the same name.
_ARCHITECTURE_PARAMS = ("hidden_layer_sizes", "activation", "dropout", "batch_norm")


@dataclass(frozen=True)
class SpaceEntry:
    """One decision of the default space and the families it applies to.

    Attributes
    ----------
    decision : Decision
        Its ``when`` may name earlier entries; the search adds the condition
        on ``module``.
    families : tuple or None
        The families it applies to, ``None`` standing for a custom module
        in the tuple; ``None`` for every family (or custom module) whose
        constructor accepts the parameters it sets.
    categorical_only : bool
        Only when the data have categorical columns.
    """

    decision: Decision
    families: tuple | None = None
    categorical_only: bool = False


_DEPTHS = (1, 2, 3, 4)
_WIDTHS = (32, 64, 128, 256, 512)
_EMBEDDINGS = ("periodic", "piecewise_linear")
_NO_NORM = {"batch_norm": False, "module_params__layer_norm": False}

ENTRIES = (
    # Depth and per-layer widths of hidden_layer_sizes: the MLP's, or a custom
    # module's that takes it (the sequence modules' dense head is "head").
    SpaceEntry(Decision("depth", _DEPTHS), ("mlp", None)),
    *(
        SpaceEntry(
            Decision(
                f"width_{layer + 1}",
                _WIDTHS,
                param=f"hidden_layer_sizes[{layer}]",
                when={"depth": _DEPTHS[layer:]} if layer else None,
            ),
            ("mlp", None),
        )
        for layer in range(len(_DEPTHS))
    ),
    SpaceEntry(
        Decision(
            "normalization",
            {
                "none": _NO_NORM,
                "batch": {**_NO_NORM, "batch_norm": True},
                "layer": {**_NO_NORM, "module_params__layer_norm": True},
            },
        ),
        families=("mlp",),
    ),
    # ResNet: residual blocks (the skip connections) of one width.
    SpaceEntry(
        Decision("resnet_blocks", (1, 2, 3, 4), param="module_params__n_blocks"), ("resnet",)
    ),
    SpaceEntry(
        Decision("resnet_width", (64, 128, 256), param="module_params__d_block"), ("resnet",)
    ),
    SpaceEntry(
        Decision("resnet_expansion", (1.0, 2.0), param="module_params__d_hidden_factor"),
        ("resnet",),
    ),
    SpaceEntry(
        Decision(
            "resnet_normalization", {"layer": {"batch_norm": False}, "batch": {"batch_norm": True}}
        ),
        ("resnet",),
    ),
    SpaceEntry(
        Decision("residual_dropout", (0.0, 0.1, 0.2), param="module_params__residual_dropout"),
        ("resnet",),
    ),
    # FT-Transformer: kept small, since attention over every feature is the
    # costliest family on a CPU.
    SpaceEntry(Decision("ft_blocks", (1, 2), param="module_params__n_blocks"), ("ft_transformer",)),
    SpaceEntry(
        Decision("ft_d_token", (16, 32), param="module_params__d_token"), ("ft_transformer",)
    ),
    SpaceEntry(
        Decision("attention_dropout", (0.0, 0.1, 0.2), param="module_params__attention_dropout"),
        ("ft_transformer",),
    ),
    SpaceEntry(
        Decision("ffn_dropout", (0.0, 0.1, 0.2), param="module_params__ffn_dropout"),
        ("ft_transformer",),
    ),
    # Image families (n, C, H, W): stages of convolutions, pooled globally, so
    # every option takes any image size.
    SpaceEntry(
        Decision(
            "channels",
            {
                "16-32": {"module_params__channels": (16, 32)},
                "32-64": {"module_params__channels": (32, 64)},
                "32-64-128": {"module_params__channels": (32, 64, 128)},
            },
        ),
        _IMAGE,
    ),
    SpaceEntry(
        Decision("convs_per_stage", (1, 2), param="module_params__convs_per_stage"), ("cnn",)
    ),
    SpaceEntry(Decision("kernel_size", (3, 5), param="module_params__kernel_size"), ("cnn",)),
    SpaceEntry(
        Decision("blocks_per_stage", (1, 2), param="module_params__blocks_per_stage"),
        ("resnet_cnn",),
    ),
    # Sequence families (n, C, T): recurrent, convolutional and attention
    # encoders, each with its own size decisions.
    SpaceEntry(
        Decision("hidden_size", (32, 64, 128), param="module_params__hidden_size"), _RECURRENT
    ),
    SpaceEntry(Decision("recurrent_layers", (1, 2), param="module_params__num_layers"), _RECURRENT),
    SpaceEntry(
        Decision("bidirectional", (False, True), param="module_params__bidirectional"),
        _RECURRENT,
    ),
    SpaceEntry(
        Decision("n_filters", (16, 32, 64), param="module_params__n_filters"),
        ("inception_time", "tcn"),
    ),
    SpaceEntry(
        Decision("inception_depth", (3, 6), param="module_params__depth"), ("inception_time",)
    ),
    SpaceEntry(Decision("tcn_depth", (3, 4, 6), param="module_params__depth"), ("tcn",)),
    SpaceEntry(
        Decision("tcn_kernel_size", (3, 5, 7), param="module_params__kernel_size"), ("tcn",)
    ),
    SpaceEntry(
        Decision("d_model", (32, 64), param="module_params__d_model"), ("sequence_transformer",)
    ),
    SpaceEntry(
        Decision("transformer_layers", (1, 2), param="module_params__num_layers"),
        ("sequence_transformer",),
    ),
    SpaceEntry(
        Decision("patch_size", (1, 4), param="module_params__patch_size"),
        (*_RECURRENT, "sequence_transformer"),
    ),
    SpaceEntry(
        Decision("pooling", ("mean", "last", "attention"), param="module_params__pooling"),
        _RECURRENT,
    ),
    SpaceEntry(
        Decision(
            "head",
            {
                "linear": {"hidden_layer_sizes": ()},
                "dense_64": {"hidden_layer_sizes": (64,)},
                "dense_128": {"hidden_layer_sizes": (128,)},
            },
        ),
        (*_RECURRENT, "inception_time", "tcn", "sequence_transformer"),
    ),
    # Settings shared by every family that accepts them.
    SpaceEntry(Decision("activation", ("relu", "gelu", "silu", "selu"), param="activation")),
    SpaceEntry(Decision("dropout", (0.0, 0.1, 0.2, 0.3, 0.5), param="dropout")),
    SpaceEntry(
        Decision(
            "numeric_embedding", (None, *_EMBEDDINGS), param="module_params__numeric_embedding"
        )
    ),
    SpaceEntry(
        Decision(
            "d_embedding",
            (8, 16, 32),
            param="module_params__d_embedding",
            when={"numeric_embedding": _EMBEDDINGS},
        )
    ),
    SpaceEntry(
        Decision(
            "categorical_embedding_dim",
            (None, 4, 16),
            param="module_params__categorical_embedding_dim",
        ),
        categorical_only=True,
    ),
)


def architecture_space(estimator, X=None, *, families=None) -> ArchitectureSpace:
    """The default architecture space of a skneural estimator.

    The first decision is the module family: every family of
    ``FAMILY_INPUTS`` that is registered in ``skneural.nn.BUILTIN_MODULES``
    and takes the input, told by its number of dimensions: ``"mlp"``,
    ``"resnet"`` and ``"ft_transformer"`` for a table ``(n, d)``;
    ``"gru"``, ``"lstm"``, ``"inception_time"``, ``"tcn"`` and
    ``"sequence_transformer"`` for sequences ``(n, C, T)``; ``"cnn"`` and
    ``"resnet_cnn"`` for images ``(n, C, H, W)``. Then, each only for the
    families whose constructor accepts it:

    - MLP: ``depth`` (1-4 layers) and ``width_1`` .. ``width_4`` (32-512, one
      per layer taken), ``normalization`` (none, batch or layer norm);
    - ResNet (skip connections around every block): ``resnet_blocks``,
      ``resnet_width``, ``resnet_expansion``, ``resnet_normalization``,
      ``residual_dropout``;
    - FT-Transformer: ``ft_blocks``, ``ft_d_token`` (kept small for CPUs),
      ``attention_dropout``, ``ffn_dropout``;
    - CNN and ResNet-CNN: ``channels`` (stages and their widths), and
      ``convs_per_stage``, ``kernel_size`` (CNN) or ``blocks_per_stage``
      (ResNet-CNN);
    - sequence modules: ``hidden_size``, ``recurrent_layers``,
      ``bidirectional``, ``pooling`` (GRU, LSTM); ``n_filters`` with
      ``inception_depth`` (InceptionTime) or ``tcn_depth`` and
      ``tcn_kernel_size`` (TCN); ``d_model``, ``transformer_layers``
      (sequence transformer); ``patch_size`` (GRU, LSTM, transformer); and
      ``head``, the dense layers after pooling;
    - shared: ``activation``, ``dropout``, ``numeric_embedding`` (none,
      periodic, piecewise-linear) and its ``d_embedding``, and
      ``categorical_embedding_dim`` when ``X`` is a DataFrame with
      non-numeric columns.

    For an estimator with its own ``module`` (a class or callable) there is
    no family decision: the space holds the entries that module's
    constructor accepts.

    Parameters
    ----------
    estimator : estimator
        A skneural estimator, or a composite (a ``Pipeline``, ...) holding
        exactly one. Names are those of the skneural estimator itself; the
        search adds the step prefix.
    X : array-like or DataFrame, default=None
        The training data (or one batch of it), which decides the families
        (by its number of dimensions) and whether categorical embeddings are
        searched.
        ``None`` is a numeric table.
    families : sequence of str or None, default=None
        Keep only these module families (e.g. ``("mlp", "resnet")``);
        ``None`` keeps every family that suits the input.

    Returns
    -------
    ArchitectureSpace

    Examples
    --------
    >>> from skneural import NeuralClassifier
    >>> from skneural.model_selection import architecture_space
    >>> space = architecture_space(NeuralClassifier())
    >>> space.decision("module").labels
    ('mlp', 'resnet', 'ft_transformer')
    >>> space.decision("width_3").when
    {'module': ('mlp',), 'depth': (3, 4)}
    """
    net = _single_net(estimator, "architecture_space")
    kinds = input_kinds(X)
    categorical = _has_categorical_columns(X)
    if isinstance(net.module, str):
        wanted = families
        unknown = sorted(set(wanted or ()) - set(FAMILY_INPUTS))
        if unknown:
            raise ValueError(
                f"families names {unknown}, which are not module families of the default "
                f"space; choose among {list(FAMILY_INPUTS)}."
            )
        families = {
            name: BUILTIN_MODULES[name]
            for name, kind in FAMILY_INPUTS.items()
            if kind in kinds and name in BUILTIN_MODULES and (wanted is None or name in wanted)
        }
        if not families:
            raise ValueError(
                f"No registered module family takes input of kinds {list(kinds)}"
                f"{'' if wanted is None else f' among {list(wanted)}'}; registered modules: "
                f"{sorted(BUILTIN_MODULES)}. Declare your own ArchitectureSpace."
            )
    else:
        families = {None: net.module}
    entries = [e for e in ENTRIES if categorical or not e.categorical_only]
    kept = {family: _entries_for(family, factory, entries) for family, factory in families.items()}
    decisions = [] if None in families else [Decision("module", tuple(families), param="module")]
    for entry in entries:
        users = tuple(family for family in families if entry.decision.name in kept[family])
        if not users:
            continue
        decision = entry.decision
        when = dict(decision.when) if None in families else {"module": users, **decision.when}
        decisions.append(Decision(decision.name, decision.options, param=decision.param, when=when))
    if not decisions:
        raise ValueError(
            f"The module {getattr(net.module, '__name__', net.module)!r} accepts none of the "
            f"settings of the default space ({sorted({e.decision.name for e in ENTRIES})}); "
            "declare an ArchitectureSpace for it."
        )
    return ArchitectureSpace(decisions)


def _entries_for(family, factory, entries) -> set:
    """Names of the entries that apply to ``family`` (built by ``factory``)."""
    kept = set()
    for entry in entries:
        decision = entry.decision
        if entry.families is not None and family not in entry.families:
            continue
        if not all(name in kept for name in decision.when):
            continue
        if all(_accepts(factory, param) for param in decision.params_set()):
            kept.add(decision.name)
    # A structural decision (no parameter) stays only if a kept one depends on it.
    for entry in reversed(entries):
        decision = entry.decision
        if decision.name in kept and not decision.params_set():
            if not any(
                decision.name in e.decision.when for e in entries if e.decision.name in kept
            ):
                kept.discard(decision.name)
    return kept


def _accepts(factory, param: str) -> bool:
    """Whether ``param`` (an estimator parameter) reaches ``factory``'s constructor."""
    param = base_param(param)
    head, sep, key = param.partition("__")
    if sep and head == "module_params":
        return bool(accepted_params(factory, {key: None}))
    if param in _ARCHITECTURE_PARAMS:
        return bool(accepted_params(factory, {param: None}))
    return True


def input_kinds(X) -> tuple:
    """The input kinds ``X`` may hold, from its number of dimensions."""
    if X is None:
        return ("tabular",)
    ndim = len(X.shape) if hasattr(X, "shape") else np.ndim(X)
    if ndim not in _KINDS_BY_NDIM:
        raise ValueError(
            f"X has {ndim} dimensions; expected 2 (a table), 3 (sequences) or 4 (images)."
        )
    return _KINDS_BY_NDIM[ndim]


def _has_categorical_columns(X) -> bool:
    dtypes = getattr(X, "dtypes", None)
    if dtypes is None or not hasattr(dtypes, "__iter__"):
        return False
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    return any(not is_numeric_dtype(t) or is_bool_dtype(t) for t in dtypes)


def _single_net(estimator, where: str):
    steps = neural_steps(estimator)
    if len(steps) != 1:
        raise ValueError(
            f"{where} needs exactly one skneural estimator, but {type(estimator).__name__} "
            f"holds {len(steps)}: {[prefix[:-2] for prefix in steps]}."
        )
    return next(iter(steps.values()))


def check_space(space: ArchitectureSpace, net, X) -> None:
    """Raise a ``ValueError`` for a decision ``net`` cannot take on ``X``.

    Every parameter must exist on the estimator; every module a decision
    names must be registered and suit the input; and every
    ``module_params__<key>`` a decision sets must be accepted by each module
    the architecture can have when that decision is taken.
    """
    check_param_names(net, sorted(space.estimator_params()), where="The architecture space")
    kinds = input_kinds(X)
    fixed_keys = sorted(net.module_params or {})
    for path, active in space.branches:
        decisions = [space.decisions[position] for position in active]
        modules = _possible_modules(space, dict(path), active, net.module)
        for module in modules:
            _check_module(module, kinds)
            factory = BUILTIN_MODULES[module] if isinstance(module, str) else module
            for key in fixed_keys:
                if not accepted_params(factory, {key: None}):
                    raise ValueError(
                        f"The estimator's module_params holds {key!r}, which the module "
                        f"{_module_name(module)!r} of the architecture space does not accept; "
                        "every candidate keeps the estimator's module_params, so remove it or "
                        "leave that module out of the space."
                    )
        for decision in decisions:
            for param in decision.params_set():
                head, sep, key = base_param(param).partition("__")
                if not (sep and head == "module_params"):
                    continue
                for module in modules:
                    factory = BUILTIN_MODULES[module] if isinstance(module, str) else module
                    if not accepted_params(factory, {key: None}):
                        raise ValueError(
                            f"Decision {decision.name!r} sets {param!r}, but the module "
                            f"{_module_name(module)!r} it can be taken with does not accept "
                            f"{key!r}. Condition the decision on the module (when="
                            "{'module': (...)}) or leave it out."
                        )


def _possible_modules(space, chosen: Mapping, active, default) -> list:
    """The modules an architecture of this branch can have."""
    for position in active:
        decision = space.decisions[position]
        if "module" not in decision.params_set():
            continue
        indices = [chosen[position]] if position in chosen else range(len(decision.labels))
        return [
            decision.settings(index)["module"]
            for index in indices
            if "module" in decision.settings(index)
        ] or [default]
    return [default]


def _check_module(module, kinds) -> None:
    if not isinstance(module, str):
        return
    if module not in BUILTIN_MODULES:
        raise ValueError(
            f"The architecture space names the module {module!r}, which is not registered in "
            f"skneural.nn.BUILTIN_MODULES ({sorted(BUILTIN_MODULES)})."
        )
    kind = FAMILY_INPUTS.get(module)
    if kind is not None and kind not in kinds:
        raise ValueError(
            f"The architecture space names the module {module!r}, which takes {kind} input, "
            f"but X holds {' or '.join(kinds)} data; leave {module!r} out of the space."
        )


def _module_name(module) -> str:
    return module if isinstance(module, str) else getattr(module, "__name__", repr(module))
