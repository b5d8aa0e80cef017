"""Verbose progress lines of the trial-based searches."""

import math


class SearchProgress:
    """Print what a search is doing, at three levels of detail.

    ``verbose >= 1``: one line per candidate (state, mean and spread of the
    CV score, time, parameters). ``verbose >= 2``: also one line per fold.
    ``verbose >= 3``: the searches also switch on the estimator's own
    per-epoch lines.

    Parameters
    ----------
    name : str
        Prefix of every line (the search's class name).
    verbose : int
    total : int or None
        Planned number of candidates, when known.
    """

    def __init__(self, name: str, verbose: int, total: int | None):
        self.name = name
        self.verbose = verbose
        self.total = total
        self.count = 0

    def start(self, n_splits: int) -> None:
        if self.verbose:
            planned = "" if self.total is None else f"up to {self.total} candidates, "
            print(f"[{self.name}] searching {planned}{n_splits} folds each", flush=True)

    def candidate(self, candidate, elapsed: float) -> None:
        """Report a finished candidate (a ``Candidate`` record)."""
        self.count += 1
        if not self.verbose:
            return
        of_total = "" if self.total is None else f"/{self.total}"
        scores = [out["test_scores"] for out in candidate.outs]
        if candidate.state == "COMPLETE":
            mean = sum(scores) / len(scores)
            spread = math.sqrt(sum((s - mean) ** 2 for s in scores) / len(scores))
            outcome = f"score {mean:.4f} +/- {spread:.4f}"
        elif candidate.state == "PRUNED":
            outcome = f"pruned after epoch {candidate.pruned_at_epoch}"
        else:
            outcome = "fit failed"
        print(
            f"[{self.name}] candidate {self.count}{of_total}: {candidate.state.lower()}, "
            f"{outcome}, {elapsed:.1f}s; {_format_params(candidate.params)}",
            flush=True,
        )
        if self.verbose >= 2 and candidate.state != "PRUNED":
            for index, out in enumerate(candidate.outs, start=1):
                failed = out["fit_error"] is not None
                detail = "fit failed" if failed else f"score {out['test_scores']:.4f}"
                print(f"    fold {index}/{len(candidate.outs)}: {detail}, {out['fit_time']:.1f}s")


def _format_params(params: dict) -> str:
    parts = []
    for name, value in sorted(params.items()):
        shown = f"{value:.4g}" if isinstance(value, float) else repr(value)
        parts.append(f"{name}={shown}")
    return ", ".join(parts)
