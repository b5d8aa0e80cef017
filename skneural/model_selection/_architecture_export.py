"""An architecture space in the formats of scikit-learn's and Optuna's searches."""

import math
from fractions import Fraction

from ._architecture_space import _ELEMENT, ArchitectureSpace

# RandomizedSearchCV picks one of its dicts uniformly; the branches of the space
# are repeated in proportion to their probability, up to this many dicts.
MAX_SKLEARN_DICTS = 100_000


class _Choice:
    """One of ``values``, uniformly (a ``rvs`` for scikit-learn's ``ParameterSampler``)."""

    def __init__(self, values):
        self.values = tuple(values)

    def rvs(self, random_state=None):
        return self.values[random_state.randint(len(self.values))]

    def __repr__(self):
        return f"Choice({list(self.values)!r})"


class _TupleChoice:
    """A tuple whose elements are drawn independently, each from its own choices."""

    def __init__(self, elements):
        self.elements = tuple(tuple(values) for values in elements)

    def rvs(self, random_state=None):
        return tuple(values[random_state.randint(len(values))] for values in self.elements)

    def __repr__(self):
        return f"TupleChoice({[list(values) for values in self.elements]!r})"


def to_sklearn(space: ArchitectureSpace, prefix: str = "") -> list:
    """``param_distributions`` for ``RandomizedSearchCV`` that sample ``space`` as
    :class:`ArchitectureSearchCV` with ``strategy="random"`` does.

    Every combination of the decisions that condition others (and of those
    that set several parameters at once) becomes one dict, repeated in
    proportion to its probability under uniform choices, since
    ``ParameterSampler`` picks one dict uniformly; within a dict every
    parameter is one ``rvs`` object, so sampling is with replacement.
    """
    split_on = set(space.conditioning) | {
        position for position, d in enumerate(space.decisions) if isinstance(d.options, dict)
    }
    weighted = []
    for path, active in space.enumerate_branches(split_on):
        weight = math.prod(
            (Fraction(1, len(space.decisions[p].labels)) for p, _ in path), start=Fraction(1)
        )
        chosen = dict(path)
        fixed, free, elements = {}, {}, {}
        for position in active:
            decision = space.decisions[position]
            if position in chosen:
                fixed.update(decision.settings(chosen[position]))
            elif decision.param is not None:
                match = _ELEMENT.match(decision.param)
                if match:
                    elements.setdefault(match["name"], {})[int(match["index"])] = decision.labels
                else:
                    free[decision.param] = decision.labels
        distributions = {name: _Choice((value,)) for name, value in fixed.items()}
        distributions.update({name: _Choice(values) for name, values in free.items()})
        for name, by_index in elements.items():
            distributions[name] = _TupleChoice(by_index[i] for i in sorted(by_index))
        weighted.append(({prefix + k: v for k, v in distributions.items()}, weight))
    common = math.lcm(*(weight.denominator for _, weight in weighted))
    if common > MAX_SKLEARN_DICTS:
        raise ValueError(
            f"Sampling this space as RandomizedSearchCV would need {common} dicts; its "
            f"conditional branches are too unevenly likely (at most {MAX_SKLEARN_DICTS})."
        )
    return [dict(dists) for dists, weight in weighted for _ in range(int(weight * common))]


class OptunaArchitectureSpace:
    """A define-by-run Optuna space over an :class:`ArchitectureSpace`.

    ``space(trial)`` suggests one categorical per decision taken, in the
    order of the space (so conditional decisions are suggested only when
    they are taken), and returns the estimator parameters.

    Parameters
    ----------
    space : ArchitectureSpace
    prefix : str, default=""
        Prefix of the parameter names (``"neuralclassifier__"`` in a
        pipeline).
    """

    _PLAIN = (type(None), bool, int, float, str)

    def __init__(self, space: ArchitectureSpace, prefix: str = ""):
        self.space = space
        self.prefix = prefix

    def __call__(self, trial) -> dict:
        def choose(position, decision, chosen):
            if all(isinstance(label, self._PLAIN) for label in decision.labels):
                label = trial.suggest_categorical(decision.name, decision.labels)
                return decision.labels.index(label)
            return trial.suggest_categorical(decision.name, list(range(len(decision.labels))))

        params = self.space.params_of(self.space.walk(choose))
        return {self.prefix + name: value for name, value in params.items()}

    def __repr__(self):
        return f"OptunaArchitectureSpace({self.space!r}, prefix={self.prefix!r})"
