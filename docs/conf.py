"""Sphinx configuration of the skneural documentation.

Build with ``sphinx-build -W -b html docs docs/_build/html`` from the
repository root (needs the ``docs`` extra: sphinx, numpydoc and, optionally,
pydata-sphinx-theme). The build reads no network resource.
"""

import importlib.util
import os
import sys

from docutils import nodes

# Document the package of this checkout, also when it is not installed.
sys.path.insert(0, os.path.abspath(".."))

import skneural  # noqa: E402

project = "skneural"
author = "skneural developers"
copyright = "skneural developers"
version = release = skneural.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
]

templates_path = ["_templates"]
exclude_patterns = ["_build"]
nitpicky = False

# API pages are generated from the autosummary tables of api.rst.
autosummary_generate = True
autodoc_typehints = "none"  # numpydoc sections already state the types
# Document what the estimators inherit from scikit-learn (score, get_params,
# set_fit_request, ...) but not the methods of builtins such as list.
autodoc_default_options = {"inherited-members": "list,dict,object"}

# The class templates list members themselves; numpydoc only renders sections.
numpydoc_show_class_members = False
numpydoc_xref_param_type = False

# pydata-sphinx-theme when installed, Sphinx's default theme otherwise.
if importlib.util.find_spec("pydata_sphinx_theme") is not None:
    html_theme = "pydata_sphinx_theme"
    html_theme_options = {"navigation_with_keys": False, "show_toc_level": 2}
else:
    html_theme = "alabaster"
html_title = f"skneural {release}"
html_static_path = []

# Methods inherited from scikit-learn (score, set_fit_request, ...) keep their
# docstrings, which cross-reference pages of scikit-learn's own documentation.
# Without network access there is no intersphinx inventory to resolve them, so
# the few labels they use are mapped to scikit-learn's site here; any other
# unresolved reference still warns.
SKLEARN_DOCS = "https://scikit-learn.org/stable/"
SKLEARN_REFERENCES = {
    ("ref", "metadata_routing"): "metadata_routing.html",
    ("ref", "accuracy_score"): "modules/model_evaluation.html#accuracy-score",
    ("ref", "r2_score"): "modules/model_evaluation.html#r2-score",
    ("term", "meta-estimator"): "glossary.html#term-meta-estimator",
    ("term", "fit"): "glossary.html#term-fit",
    ("term", "classes_"): "glossary.html#term-classes_",
    ("ref", "df_output_transform"): "auto_examples/miscellaneous/plot_set_output.html",
    (
        "ref",
        "sphx_glr_auto_examples_miscellaneous_plot_set_output.py",
    ): "auto_examples/miscellaneous/plot_set_output.html",
}
# Likewise for the torch.nn.Module methods the network modules inherit.
TORCH_DOCS = "https://pytorch.org/docs/stable/"
TORCH_REFERENCES = {
    ("ref", "locally-disable-grad-doc"): (
        "notes/autograd.html#locally-disabling-gradient-computation"
    ),
    ("ref", "nn-init-doc"): "nn.init.html",
}


def link_sklearn_reference(app, env, node, contnode):
    """Resolve a scikit-learn or torch documentation label to that project's website."""
    key = (node.get("reftype"), node.get("reftarget", "").lower())
    if key in SKLEARN_REFERENCES:
        uri = SKLEARN_DOCS + SKLEARN_REFERENCES[key]
    elif key in TORCH_REFERENCES:
        uri = TORCH_DOCS + TORCH_REFERENCES[key]
    else:
        return None
    reference = nodes.reference("", "", internal=False, refuri=uri)
    reference += contnode
    return reference


def setup(app):
    app.connect("missing-reference", link_sklearn_reference)
