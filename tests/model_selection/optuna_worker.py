"""Subprocess body of the shared-study test: one OptunaSearchCV on a shared storage.

Usage: python optuna_worker.py STORAGE_URL STUDY_NAME SEED

Prints one JSON line: this process's id and the numbers of the trials it ran.
"""

import json
import os
import sys

from sklearn.datasets import make_classification

from skneural import NeuralClassifier
from skneural.model_selection import OptunaSearchCV

storage, study_name, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
X, y = make_classification(n_samples=120, n_features=5, n_informative=3, random_state=0)
clf = NeuralClassifier(hidden_layer_sizes=(8,), max_epochs=5, lr=1e-2, random_state=0)
search = OptunaSearchCV(
    clf, n_trials=3, cv=2, storage=storage, study_name=study_name, random_state=seed
).fit(X, y)
print(json.dumps({"pid": os.getpid(), "trials": search.cv_results_["trial_number"].tolist()}))
