"""Architecture search spaces: a sequence of decisions, some taken only under conditions."""

import math
import re
from collections.abc import Mapping, Sequence

_ELEMENT = re.compile(r"^(?P<name>[A-Za-z_]\w*)\[(?P<index>\d+)\]$")
_PLAIN = re.compile(r"^[A-Za-z_]\w*$")
# Past this many combinations of the decisions that condition others the space
# is no longer checked exhaustively, and is refused.
MAX_BRANCHES = 10_000


class Decision:
    """One architecture decision: a name, its options and when it is taken.

    Parameters
    ----------
    name : str
        Unique name of the decision, used by the conditions of later
        decisions and in ``cv_results_["architecture"]``.
    options : sequence or dict
        The choices. A sequence of values for ``param`` (``(32, 64, 128)``,
        ``("relu", "gelu")``, ``(None, "periodic")``), or a dict
        ``{label: {param: value, ...}}`` for choices that set several
        estimator parameters together (then ``param`` must be ``None``).
    param : str or None, default=None
        The estimator parameter the chosen value sets: a plain name
        (``"dropout"``, ``"module"``), an entry of a dict parameter
        (``"module_params__n_blocks"``) or one element of a tuple parameter
        (``"hidden_layer_sizes[1]"``; the elements taken in an architecture
        must be ``0 .. k-1``). ``None`` for a structural decision that only
        conditions others (the number of layers, say).
    when : dict or None, default=None
        ``{earlier decision: allowed choices}``: the decision is taken only
        when every named earlier decision was taken with one of the allowed
        choices (labels, for dict options). A single choice may be given
        without a tuple.

    Attributes
    ----------
    labels : tuple
        The choices as conditions and results name them: the values, or the
        keys of dict options.

    Examples
    --------
    >>> from skneural.model_selection import Decision
    >>> depth = Decision("depth", (1, 2))
    >>> second = Decision("width_2", (32, 64), param="hidden_layer_sizes[1]", when={"depth": 2})
    >>> second.when
    {'depth': (2,)}
    """

    def __init__(
        self,
        name: str,
        options,
        *,
        param: str | None = None,
        when: Mapping | None = None,
    ):
        if not isinstance(name, str) or not _PLAIN.match(name):
            raise ValueError(f"A decision name must be an identifier, got {name!r}.")
        self.name = name
        if isinstance(options, Mapping):
            if param is not None:
                raise ValueError(
                    f"Decision {name!r} has dict options, which name the parameters they "
                    f"set; param must be None, got {param!r}."
                )
            for label, settings in options.items():
                if not isinstance(settings, Mapping) or not all(
                    isinstance(key, str) for key in settings
                ):
                    raise TypeError(
                        f"Option {label!r} of decision {name!r} must be a dict of "
                        f"parameter names to values, got {settings!r}."
                    )
                for key in settings:
                    _check_param_syntax(name, key)
            self.labels = tuple(options)
            self._settings = tuple(dict(settings) for settings in options.values())
        elif isinstance(options, Sequence) and not isinstance(options, str):
            self.labels = tuple(options)
            if param is not None:
                _check_param_syntax(name, param)
            self._settings = tuple({} if param is None else {param: v} for v in self.labels)
        else:
            raise TypeError(
                f"The options of decision {name!r} must be a list, a tuple or a dict of "
                f"labelled settings, got {type(options).__name__}: {options!r}."
            )
        if not self.labels:
            raise ValueError(f"Decision {name!r} has no options.")
        self.options = options
        self.param = param
        self.when = _normalise_when(name, when)

    def settings(self, index: int) -> dict:
        """The parameters the option at ``index`` sets (``{}`` for a structural decision)."""
        return dict(self._settings[index])

    def params_set(self) -> set:
        """Every parameter some option of this decision sets."""
        return {key for settings in self._settings for key in settings}

    def __eq__(self, other):
        if not isinstance(other, Decision):
            return NotImplemented
        return (self.name, self.labels, self._settings, self.param, self.when) == (
            other.name,
            other.labels,
            other._settings,
            other.param,
            other.when,
        )

    __hash__ = None

    def __repr__(self):
        parts = [repr(self.name), repr(self.options)]
        if self.param is not None:
            parts.append(f"param={self.param!r}")
        if self.when:
            parts.append(f"when={self.when!r}")
        return f"Decision({', '.join(parts)})"


def _check_param_syntax(decision: str, param) -> None:
    if not isinstance(param, str) or not (_PLAIN.match(param) or _ELEMENT.match(param)):
        raise ValueError(
            f"Decision {decision!r} sets {param!r}, which is not a parameter name such as "
            "'dropout', 'module_params__n_blocks' or 'hidden_layer_sizes[0]'."
        )


def _normalise_when(name: str, when) -> dict:
    if when is None:
        return {}
    if not isinstance(when, Mapping):
        raise TypeError(
            f"when of decision {name!r} must be a dict of earlier decisions to allowed "
            f"choices, got {type(when).__name__}: {when!r}."
        )
    normalised = {}
    for other, allowed in when.items():
        if isinstance(allowed, list | tuple | set | frozenset):
            allowed = tuple(allowed)
        else:
            allowed = (allowed,)
        if not allowed:
            raise ValueError(
                f"when of decision {name!r} allows no choice of {other!r}, so the decision "
                "could never be taken."
            )
        normalised[other] = allowed
    return normalised


def base_param(param: str) -> str:
    """``"hidden_layer_sizes"`` for ``"hidden_layer_sizes[1]"``; other names unchanged."""
    return split_element(param)[0]


def split_element(param: str) -> tuple:
    """``("hidden_layer_sizes", 1)`` for ``"hidden_layer_sizes[1]"``, ``(param, None)`` else."""
    match = _ELEMENT.match(param)
    return (match["name"], int(match["index"])) if match else (param, None)


class ArchitectureSpace:
    """A space of architectures: decisions taken in order, some under conditions.

    An architecture is one choice for every decision that is taken; a
    decision whose ``when`` does not hold is skipped. The space is checked
    exhaustively when it is built: every condition names an earlier decision
    and its real choices, every decision can be taken, no two decisions that
    can be taken together set the same parameter, and the elements of a
    tuple parameter always come as ``0 .. k-1``.

    Parameters
    ----------
    decisions : sequence of Decision
        In the order they are taken.

    Attributes
    ----------
    decisions : tuple of Decision
    n_architectures : int
        Number of distinct architectures in the space.
    conditioning : tuple of int
        Positions of the decisions that some condition names.
    branches : list of tuple
        Every consistent combination of the conditioning decisions, as
        ``(path, active)``: ``path`` the ``(position, option index)`` of each
        conditioning decision taken, ``active`` the positions of every
        decision taken in that branch.

    See Also
    --------
    architecture_space : The default space of an estimator.
    ArchitectureSearchCV : The search over such a space.

    Examples
    --------
    >>> from skneural.model_selection import ArchitectureSpace, Decision
    >>> space = ArchitectureSpace([
    ...     Decision("depth", (1, 2)),
    ...     Decision("width_1", (32, 64), param="hidden_layer_sizes[0]"),
    ...     Decision("width_2", (32, 64), param="hidden_layer_sizes[1]", when={"depth": 2}),
    ...     Decision("dropout", (0.0, 0.2), param="dropout"),
    ... ])
    >>> space.n_architectures
    12
    >>> space.params({"depth": 2, "width_1": 64, "width_2": 32, "dropout": 0.2})
    {'dropout': 0.2, 'hidden_layer_sizes': (64, 32)}
    """

    def __init__(self, decisions: Sequence[Decision]):
        if isinstance(decisions, ArchitectureSpace):
            decisions = decisions.decisions
        if not isinstance(decisions, Sequence) or isinstance(decisions, str):
            raise TypeError(
                f"decisions must be a list of Decision, got {type(decisions).__name__}."
            )
        if not decisions:
            raise ValueError("The architecture space is empty; give at least one Decision.")
        for decision in decisions:
            if not isinstance(decision, Decision):
                raise TypeError(
                    f"Every entry of the space must be a Decision, got "
                    f"{type(decision).__name__}: {decision!r}."
                )
        self.decisions = tuple(decisions)
        self._index = {}
        for position, decision in enumerate(self.decisions):
            if decision.name in self._index:
                raise ValueError(f"Two decisions are named {decision.name!r}.")
            for other, allowed in decision.when.items():
                if other not in self._index:
                    raise ValueError(
                        f"Decision {decision.name!r} is conditioned on {other!r}, which is "
                        "not an earlier decision; conditions may only name decisions "
                        "taken before."
                    )
                labels = self.decisions[self._index[other]].labels
                unknown = [label for label in allowed if label not in labels]
                if unknown:
                    raise ValueError(
                        f"Decision {decision.name!r} is conditioned on {other!r} being one "
                        f"of {unknown}, which are not choices of {other!r} ({list(labels)})."
                    )
            self._index[decision.name] = position
        conditioning = {name for decision in self.decisions for name in decision.when}
        self.conditioning = tuple(sorted(self._index[name] for name in conditioning))
        self.branches = self.enumerate_branches(set(self.conditioning))
        self._check_branches()
        self.n_architectures = sum(
            math.prod(len(self.decisions[i].labels) for i in active if i not in self.conditioning)
            for _, active in self.branches
        )

    def __len__(self):
        return len(self.decisions)

    def __iter__(self):
        return iter(self.decisions)

    def __eq__(self, other):
        if not isinstance(other, ArchitectureSpace):
            return NotImplemented
        return self.decisions == other.decisions

    __hash__ = None

    def __repr__(self):
        names = ", ".join(decision.name for decision in self.decisions)
        return f"ArchitectureSpace([{names}])"

    def decision(self, name: str) -> Decision:
        """The decision called ``name``."""
        return self.decisions[self._index[name]]

    def position(self, name: str) -> int:
        """The position of the decision called ``name`` in the space."""
        return self._index[name]

    def is_taken(self, decision: Decision, chosen: Mapping) -> bool:
        """Whether ``decision`` is taken given the earlier ``chosen`` option indices."""
        for other, allowed in decision.when.items():
            if other not in chosen:
                return False
            if self.decision(other).labels[chosen[other]] not in allowed:
                return False
        return True

    def walk(self, choose) -> dict:
        """An architecture: ``choose(position, decision, chosen)`` gives each option index.

        Decisions are visited in order; ``chosen`` holds the option indices of
        the decisions taken so far, keyed by name.
        """
        chosen = {}
        for position, decision in enumerate(self.decisions):
            if self.is_taken(decision, chosen):
                chosen[decision.name] = int(choose(position, decision, chosen))
        return chosen

    def indices(self, choices: Mapping) -> dict:
        """``{name: option index}`` of the architecture given as ``{name: label}``.

        Only the decisions taken are kept; a taken decision missing from
        ``choices``, or a label that is not one of its choices, is an error.
        """
        if not isinstance(choices, Mapping):
            raise TypeError(
                f"An architecture is a dict of decision names to choices, got {choices!r}."
            )

        def choose(position, decision, chosen):
            if decision.name not in choices:
                raise ValueError(f"The architecture makes no choice for {decision.name!r}.")
            label = choices[decision.name]
            if label not in decision.labels:
                raise ValueError(
                    f"{label!r} is not a choice of {decision.name!r} ({list(decision.labels)})."
                )
            return decision.labels.index(label)

        return self.walk(choose)

    def params(self, choices: Mapping) -> dict:
        """The estimator parameters of the architecture ``{decision name: choice}``.

        Choices of decisions the architecture does not take are ignored.
        """
        return self.params_of(self.indices(choices))

    def params_of(self, indices: Mapping) -> dict:
        """The estimator parameters of an architecture given as option indices."""
        params, elements = {}, {}
        for name, index in indices.items():
            for key, value in self.decision(name).settings(index).items():
                match = _ELEMENT.match(key)
                if match:
                    elements.setdefault(match["name"], {})[int(match["index"])] = value
                else:
                    params[key] = value
        for name, values in elements.items():
            params[name] = tuple(values[i] for i in sorted(values))
        return params

    def labels_of(self, indices: Mapping) -> dict:
        """``{decision name: choice}`` of an architecture given as option indices."""
        return {name: self.decision(name).labels[index] for name, index in indices.items()}

    def to_sklearn(self, prefix: str = "") -> list:
        """The space as ``param_distributions`` for scikit-learn's ``RandomizedSearchCV``.

        The search then samples the space as :class:`ArchitectureSearchCV`
        with ``strategy="random"`` does (each choice uniform, conditional
        decisions only when taken), but with replacement.

        Parameters
        ----------
        prefix : str, default=""
            Prefix of the parameter names, e.g. ``"neuralclassifier__"``.

        Returns
        -------
        list of dict
            One dict per combination of the decisions that condition others,
            repeated in proportion to its probability.
        """
        from ._architecture_export import to_sklearn

        return to_sklearn(self, prefix)

    def to_optuna(self, prefix: str = ""):
        """The space as a define-by-run callable for :class:`OptunaSearchCV`.

        Parameters
        ----------
        prefix : str, default=""
            Prefix of the parameter names, e.g. ``"neuralclassifier__"``.

        Returns
        -------
        callable
            ``space(trial) -> dict`` of estimator parameters; it suggests one
            categorical per decision taken.
        """
        from ._architecture_export import OptunaArchitectureSpace

        return OptunaArchitectureSpace(self, prefix)

    def estimator_params(self) -> set:
        """The estimator parameters the space can set (tuple elements as the whole tuple)."""
        return {base_param(key) for decision in self.decisions for key in decision.params_set()}

    # ------------------------------------------------------------ structure
    def enumerate_branches(self, split_on: set) -> list:
        """Every consistent combination of the decisions at the positions ``split_on``.

        ``split_on`` must include every conditioning decision. Returns a list
        of ``(path, active)`` as :attr:`branches` does, with a ``path`` entry
        for each decision of ``split_on`` that is taken.
        """
        branches = []

        def visit(position, chosen, path, active):
            if len(branches) > MAX_BRANCHES:
                raise ValueError(
                    f"The space has more than {MAX_BRANCHES} combinations of the decisions "
                    "that condition others; simplify its conditions."
                )
            if position == len(self.decisions):
                branches.append((tuple(path), tuple(active)))
                return
            decision = self.decisions[position]
            if not self.is_taken(decision, chosen):
                visit(position + 1, chosen, path, active)
                return
            if position not in split_on:
                visit(position + 1, chosen, path, [*active, position])
                return
            for index in range(len(decision.labels)):
                visit(
                    position + 1,
                    {**chosen, decision.name: index},
                    [*path, (position, index)],
                    [*active, position],
                )

        visit(0, {}, [], [])
        return branches

    def _check_branches(self) -> None:
        reachable = set()
        for path, active in self.branches:
            reachable.update(active)
            self._check_no_clash([self.decisions[position] for position in active], path)
        never = [d.name for p, d in enumerate(self.decisions) if p not in reachable]
        if never:
            raise ValueError(
                f"Decisions {never} can never be taken: no combination of earlier choices "
                "satisfies their conditions."
            )

    def _check_no_clash(self, decisions: list, path: tuple) -> None:
        """Decisions taken together set distinct parameters, and tuple elements 0 .. k-1."""
        plain, elements = {}, {}
        for decision in decisions:
            for key in decision.params_set():
                match = _ELEMENT.match(key)
                name = base_param(key)
                if match:
                    index = int(match["index"])
                    clash = plain.get(name) or elements.get(name, {}).get(index)
                else:
                    clash = plain.get(name) or next(iter(elements.get(name, {}).values()), None)
                if clash is not None and clash != decision.name:
                    raise ValueError(
                        f"Decisions {clash!r} and {decision.name!r} can be taken together "
                        f"and both set {name!r}; make their conditions exclusive."
                    )
                if match:
                    elements.setdefault(name, {})[index] = decision.name
                else:
                    plain[name] = decision.name
        for name, taken in elements.items():
            if set(taken) != set(range(len(taken))):
                where = ", ".join(
                    f"{self.decisions[p].name}={self.decisions[p].labels[i]!r}" for p, i in path
                )
                raise ValueError(
                    f"When {where or 'no condition holds'}, the space sets elements "
                    f"{sorted(taken)} of {name!r}; the elements taken must be 0 .. k-1."
                )
