"""Turn plain functions into a callback."""

from ._base import Callback

_HOOKS = (
    "on_train_begin",
    "on_epoch_begin",
    "on_batch_begin",
    "on_after_backward",
    "on_batch_end",
    "on_validation_begin",
    "on_validation_end",
    "on_epoch_end",
    "on_exception",
    "on_train_end",
)


class LambdaCallback(Callback):
    """Run plain functions at chosen hooks, without writing a class.

    Each function receives exactly what the hook of the same name receives:
    the trainer as first argument and the hook's arguments by keyword (see
    :class:`~skneural.callbacks.Callback`), e.g.
    ``on_epoch_end(trainer, epoch=..., logs=...)``. Accept ``**kwargs`` so
    that arguments added later never break the function.

    Functions are shared, not copied, between the estimator's parameter and
    each fit, so a closure can collect results into an outer list. To pickle
    the fitted estimator or to run a search in several processes, use
    functions defined at module level (lambdas and closures cannot be pickled).

    Parameters
    ----------
    on_train_begin, on_epoch_begin, on_batch_begin, on_after_backward, \
on_batch_end, on_epoch_end, on_train_end, on_validation_begin, \
on_validation_end, on_exception : callable, default=None
        Function to run at the hook of that name; ``None`` runs nothing.

    Examples
    --------
    >>> from skneural import NeuralRegressor
    >>> from skneural.callbacks import LambdaCallback
    >>> losses = []
    >>> record = LambdaCallback(
    ...     on_epoch_end=lambda trainer, logs, **kwargs: losses.append(logs["train_loss"])
    ... )
    >>> reg = NeuralRegressor(max_epochs=3, callbacks=[record])
    """

    _parameter_constraints: dict = {hook: [callable, None] for hook in _HOOKS}

    # The parameters share their names with the hook methods, so they cannot
    # be stored as attributes of the same name (that would replace the hooks):
    # they live in ``_functions`` and get_params/set_params expose them.
    def __init__(
        self,
        on_train_begin=None,
        on_epoch_begin=None,
        on_batch_begin=None,
        on_after_backward=None,
        on_batch_end=None,
        on_epoch_end=None,
        on_train_end=None,
        on_validation_begin=None,
        on_validation_end=None,
        on_exception=None,
    ):
        self._functions = {
            "on_train_begin": on_train_begin,
            "on_epoch_begin": on_epoch_begin,
            "on_batch_begin": on_batch_begin,
            "on_after_backward": on_after_backward,
            "on_batch_end": on_batch_end,
            "on_validation_begin": on_validation_begin,
            "on_validation_end": on_validation_end,
            "on_epoch_end": on_epoch_end,
            "on_exception": on_exception,
            "on_train_end": on_train_end,
        }

    def get_params(self, deep=True):
        """The function given for each hook (``None`` where none was).

        Parameters
        ----------
        deep : bool, default=True
            Unused; there are no nested estimators.

        Returns
        -------
        params : dict
            Hook name to function.
        """
        return dict(self._functions)

    def set_params(self, **params):
        """Replace the functions of some hooks.

        Parameters
        ----------
        **params : callable or None
            Hook name to its new function.

        Returns
        -------
        self : LambdaCallback
        """
        unknown = set(params) - set(_HOOKS)
        if unknown:
            raise ValueError(
                f"Invalid parameters {sorted(unknown)} for LambdaCallback; valid "
                f"parameters are {list(_HOOKS)}."
            )
        self._functions.update(params)
        return self

    def _run(self, hook, trainer, kwargs):
        function = self._functions[hook]
        if function is not None:
            function(trainer, **kwargs)

    def on_train_begin(self, trainer, **kwargs):
        self._run("on_train_begin", trainer, kwargs)

    def on_epoch_begin(self, trainer, **kwargs):
        self._run("on_epoch_begin", trainer, kwargs)

    def on_batch_begin(self, trainer, **kwargs):
        self._run("on_batch_begin", trainer, kwargs)

    def on_after_backward(self, trainer, **kwargs):
        self._run("on_after_backward", trainer, kwargs)

    def on_batch_end(self, trainer, **kwargs):
        self._run("on_batch_end", trainer, kwargs)

    def on_validation_begin(self, trainer, **kwargs):
        self._run("on_validation_begin", trainer, kwargs)

    def on_validation_end(self, trainer, **kwargs):
        self._run("on_validation_end", trainer, kwargs)

    def on_epoch_end(self, trainer, **kwargs):
        self._run("on_epoch_end", trainer, kwargs)

    def on_exception(self, trainer, **kwargs):
        self._run("on_exception", trainer, kwargs)

    def on_train_end(self, trainer, **kwargs):
        self._run("on_train_end", trainer, kwargs)
