"""From user inputs to validated arrays: checks, conversion and validation splits.

Internal machinery of the estimators, with no public API: import from the
private submodules.
"""

__all__: list[str] = []
