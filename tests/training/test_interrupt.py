"""Which callers of ``fit`` make a Ctrl-C end the whole run."""

import pytest

from skneural.training._interrupt import interrupt_should_propagate


def _asked_through(*modules):
    """``interrupt_should_propagate()`` asked from inside a chain of calls
    through functions of ``modules``, outermost first."""
    call = interrupt_should_propagate
    for module in reversed(modules):
        namespace = {"__name__": module, "inner": call}
        exec("def call():\n    return inner()", namespace)
        call = namespace["call"]
    return call()


@pytest.mark.parametrize(
    "callers, propagates",
    [
        (["skneural.estimators._base"], False),
        (["sklearn.pipeline", "sklearn.base", "skneural.estimators._base"], False),
        (["sklearn.model_selection._validation", "skneural.estimators._base"], True),
        (["optuna.study", "skneural.model_selection._trial_search"], True),
        (["joblib.parallel", "skneural.ensemble._deep", "skneural.estimators._base"], True),
        (["sklearn.base", "skneural.ensemble._snapshot", "skneural.estimators._base"], True),
    ],
    ids=[
        "direct",
        "pipeline",
        "cross-validation",
        "optuna",
        "deep-ensemble",
        "snapshot-ensemble",
    ],
)
def test_only_runs_of_many_fits_let_ctrl_c_through(callers, propagates):
    assert _asked_through(*callers) is propagates
