"""ArchitectureSpace and the default architecture_space: structure, parameters, checks."""

import itertools
from collections import Counter

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.model_selection import ParameterSampler

from skneural import NeuralClassifier, NeuralRegressor
from skneural.model_selection import ArchitectureSpace, Decision, architecture_space
from skneural.model_selection._architecture_families import check_space
from skneural.nn._factory import BUILTIN_MODULES, build_module


def layered_space():
    return ArchitectureSpace(
        [
            Decision("depth", (1, 2, 3)),
            Decision("width_1", (8, 16), param="hidden_layer_sizes[0]"),
            Decision("width_2", (8, 16), param="hidden_layer_sizes[1]", when={"depth": (2, 3)}),
            Decision("width_3", (8, 16), param="hidden_layer_sizes[2]", when={"depth": 3}),
            Decision(
                "norm",
                {"none": {"batch_norm": False}, "batch": {"batch_norm": True}},
            ),
            Decision("dropout", (0.0, 0.2, 0.4), param="dropout"),
        ]
    )


def all_architectures(space):
    """Brute force: every architecture of the space, as option indices."""
    found = set()
    ranges = [range(len(decision.labels)) for decision in space.decisions]
    for combination in itertools.product(*ranges):
        architecture = space.walk(lambda position, decision, chosen, c=combination: c[position])
        found.add(tuple(sorted(architecture.items())))
    return found


def test_params_assemble_tuple_elements_and_labelled_options():
    space = layered_space()
    params = space.params(
        {"depth": 2, "width_1": 16, "width_2": 8, "width_3": 16, "norm": "batch", "dropout": 0.2}
    )
    # width_3 is not taken at depth 2, so its choice is ignored
    assert params == {"hidden_layer_sizes": (16, 8), "batch_norm": True, "dropout": 0.2}
    assert space.labels_of(
        space.indices({**dict.fromkeys(["width_1"], 8), "depth": 1, "norm": "none", "dropout": 0.0})
    ) == {"depth": 1, "width_1": 8, "norm": "none", "dropout": 0.0}


def test_counts_every_architecture():
    space = layered_space()
    assert space.n_architectures == len(all_architectures(space)) == (2 + 4 + 8) * 2 * 3


def test_choice_errors_name_the_decision():
    space = layered_space()
    with pytest.raises(ValueError, match="makes no choice for 'dropout'"):
        space.params({"depth": 1, "width_1": 8, "norm": "none"})
    with pytest.raises(ValueError, match="32 is not a choice of 'width_1'"):
        space.params({"depth": 1, "width_1": 32, "norm": "none", "dropout": 0.0})


@pytest.mark.parametrize(
    "decisions, error, match",
    [
        ([], ValueError, "space is empty"),
        ("depth", TypeError, "must be a list of Decision"),
        ([{"name": "depth"}], TypeError, "must be a Decision"),
        ([Decision("a", (1,)), Decision("a", (2,))], ValueError, "Two decisions are named 'a'"),
        (
            [Decision("b", (1,), param="dropout", when={"a": 1}), Decision("a", (1,))],
            ValueError,
            "'a', which is not an earlier decision",
        ),
        (
            [Decision("a", (1, 2)), Decision("b", (0.1,), param="dropout", when={"a": 3})],
            ValueError,
            r"being one of \[3\], which are not choices of 'a'",
        ),
        (
            [Decision("a", (1, 2), param="dropout"), Decision("b", (0.1,), param="dropout")],
            ValueError,
            "'a' and 'b' can be taken together and both set 'dropout'",
        ),
        (
            [
                Decision("a", (8,), param="hidden_layer_sizes"),
                Decision("b", (8,), param="hidden_layer_sizes[0]"),
            ],
            ValueError,
            "both set 'hidden_layer_sizes'",
        ),
        (
            [Decision("depth", (1, 2)), Decision("w", (8,), param="hidden_layer_sizes[1]")],
            ValueError,
            r"sets elements \[1\] of 'hidden_layer_sizes'",
        ),
        (
            [
                Decision("a", (1, 2)),
                Decision("b", (1, 2), when={"a": 1}),
                Decision("c", (0.1,), param="dropout", when={"a": 2, "b": 1}),
            ],
            ValueError,
            r"Decisions \['c'\] can never be taken",
        ),
    ],
)
def test_inconsistent_spaces_are_refused(decisions, error, match):
    with pytest.raises(error, match=match):
        ArchitectureSpace(decisions)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"name": "a b", "options": (1,)}, ValueError, "must be an identifier"),
        ({"name": "a", "options": ()}, ValueError, "has no options"),
        ({"name": "a", "options": "relu"}, TypeError, "must be a list, a tuple or a dict"),
        ({"name": "a", "options": (1,), "param": "x[y]"}, ValueError, "not a parameter name"),
        ({"name": "a", "options": {"x": {"lr": 1}}, "param": "lr"}, ValueError, "must be None"),
        ({"name": "a", "options": {"x": 1}}, TypeError, "must be a dict of parameter names"),
        ({"name": "a", "options": (1,), "when": {"b": ()}}, ValueError, "allows no choice"),
        ({"name": "a", "options": (1,), "when": ["b"]}, TypeError, "when of decision 'a'"),
    ],
)
def test_malformed_decisions_are_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        Decision(**kwargs)


def test_sklearn_distributions_sample_like_the_random_strategy():
    space = layered_space()
    distributions = space.to_sklearn(prefix="net__")
    sampled = list(ParameterSampler(distributions, n_iter=3000, random_state=0))
    depths = Counter(len(params["net__hidden_layer_sizes"]) for params in sampled)
    # depth is uniform, although depth 3 holds four times the architectures of depth 1
    for depth in (1, 2, 3):
        assert depths[depth] / 3000 == pytest.approx(1 / 3, abs=0.03)
    for params in sampled:
        assert set(params) == {"net__hidden_layer_sizes", "net__batch_norm", "net__dropout"}
        assert params["net__dropout"] in (0.0, 0.2, 0.4)


def test_optuna_space_suggests_only_the_decisions_taken():
    optuna = pytest.importorskip("optuna")
    space = layered_space()
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    for _ in range(20):
        trial = study.ask()
        params = space.to_optuna(prefix="net__")(trial)
        depth = trial.params["depth"]
        assert len(params["net__hidden_layer_sizes"]) == depth
        assert ("width_3" in trial.params) == (depth == 3)
        study.tell(trial, 0.0)


def test_default_space_for_a_table():
    space = architecture_space(NeuralRegressor())
    assert space.decisions[0].name == "module"
    assert space.decision("module").labels == ("mlp", "resnet", "ft_transformer")
    # decisions apply only to the families whose module accepts them
    assert space.decision("dropout").when == {"module": ("mlp", "resnet")}
    assert space.decision("numeric_embedding").when["module"] == ("mlp", "resnet", "ft_transformer")
    assert space.decision("d_embedding").when == {
        "module": ("mlp", "resnet"),
        "numeric_embedding": ("periodic", "piecewise_linear"),
    }
    assert "categorical_embedding_dim" not in {d.name for d in space}
    check_space(space, NeuralRegressor(), np.zeros((4, 3)))


def test_default_space_embeds_categories_of_a_dataframe():
    X = pd.DataFrame({"x": [1.0, 2.0], "colour": ["red", "blue"]})
    space = architecture_space(NeuralClassifier(), X)
    assert space.decision("categorical_embedding_dim").when == {"module": ("mlp", "resnet")}


def test_default_space_of_a_custom_module_keeps_what_it_accepts():
    class Net(torch.nn.Module):
        def __init__(self, n_features_in, n_outputs, hidden_layer_sizes=(8,), activation="relu"):
            super().__init__()
            self.linear = torch.nn.Linear(n_features_in, n_outputs)

    space = architecture_space(NeuralClassifier(module=Net))
    assert [d.name for d in space] == [
        "depth",
        "width_1",
        "width_2",
        "width_3",
        "width_4",
        "activation",
    ]
    assert space.decision("width_1").when == {}


IMAGES = np.zeros((4, 1, 8, 8), dtype=np.float32)
SEQUENCES = np.zeros((4, 2, 16), dtype=np.float32)


def test_image_input_searches_the_image_modules():
    space = architecture_space(NeuralClassifier(), IMAGES)
    assert space.decision("module").labels == ("cnn", "resnet_cnn")
    assert space.decision("channels").when == {"module": ("cnn", "resnet_cnn")}
    assert space.decision("kernel_size").when == {"module": ("cnn",)}
    assert space.decision("dropout").when == {"module": ("cnn", "resnet_cnn")}
    assert not {"depth", "numeric_embedding", "hidden_size"} & {d.name for d in space}
    check_space(space, NeuralClassifier(), IMAGES)
    # on a table, an image module is a decision the estimator cannot take
    table_space = ArchitectureSpace([Decision("module", ("mlp", "cnn"), param="module")])
    with pytest.raises(ValueError, match="'cnn', which takes image input, but X holds tabular"):
        check_space(table_space, NeuralClassifier(), np.zeros((4, 3)))


def test_sequence_input_searches_the_sequence_modules():
    space = architecture_space(NeuralRegressor(), SEQUENCES)
    assert space.decision("module").labels == (
        "gru",
        "lstm",
        "inception_time",
        "tcn",
        "sequence_transformer",
    )
    assert space.decision("hidden_size").when == {"module": ("gru", "lstm")}
    assert space.decision("tcn_depth").when == {"module": ("tcn",)}
    # the dense head after pooling is one decision, not the MLP's depth and widths
    assert space.decision("head").when["module"] == space.decision("module").labels
    assert not {"depth", "width_1", "channels"} & {d.name for d in space}
    check_space(space, NeuralRegressor(), SEQUENCES)
    with pytest.raises(ValueError, match="'gru', which takes sequence input, but X holds image"):
        check_space(space, NeuralRegressor(), IMAGES)


@pytest.mark.parametrize("X", [IMAGES, SEQUENCES], ids=["images", "sequences"])
def test_every_default_architecture_builds_a_working_module(X):
    """Each decision of the default space is one the module can take: random
    architectures of every family build through the estimator's parameters and
    run forward on the input."""
    space = architecture_space(NeuralClassifier(), X)
    rng = np.random.RandomState(0)
    families = Counter()
    for _ in range(40):
        architecture = space.walk(lambda _p, decision, _c: rng.randint(len(decision.labels)))
        net = NeuralClassifier().set_params(**space.params_of(architecture))
        families[net.module] += 1
        module = build_module(
            net.module,
            n_features_in=X.shape[1],
            n_outputs=3,
            input_params={"input_shape": X.shape[1:]},
            architecture_params={
                "hidden_layer_sizes": tuple(net.hidden_layer_sizes),
                "activation": net.activation,
                "dropout": net.dropout,
                "batch_norm": net.batch_norm,
            },
            module_params=net.module_params,
        ).eval()
        assert module(torch.as_tensor(X)).shape == (len(X), 3)
    assert set(families) == set(space.decision("module").labels)


def test_no_family_for_the_input_is_an_error(monkeypatch):
    with pytest.raises(ValueError, match="No registered module family takes input of kinds"):
        architecture_space(NeuralClassifier(), IMAGES, families=("mlp", "gru"))
    for name in ("cnn", "resnet_cnn"):
        monkeypatch.delitem(BUILTIN_MODULES, name)
    with pytest.raises(ValueError, match=r"kinds \['image'\]; registered modules: \['ft_"):
        architecture_space(NeuralClassifier(), IMAGES)
    with pytest.raises(ValueError, match=r"families names \['resnt'\], which are not"):
        architecture_space(NeuralClassifier(), families=("mlp", "resnt"))
    with pytest.raises(ValueError, match="X has 5 dimensions"):
        architecture_space(NeuralClassifier(), np.zeros((2, 1, 1, 1, 1)))


@pytest.mark.parametrize(
    "decisions, estimator, match",
    [
        (
            [Decision("drop", (0.1,), param="drop_out")],
            NeuralClassifier(),
            "names the parameter 'drop_out'.*Did you mean 'dropout'",
        ),
        (
            [Decision("module", ("mlp", "vgg"), param="module")],
            NeuralClassifier(),
            "'vgg', which is not registered",
        ),
        (
            [Decision("module", ("mlp", "gru"), param="module")],
            NeuralClassifier(),
            "'gru', which takes sequence input, but X holds tabular",
        ),
        (
            [Decision("blocks", (1, 2), param="module_params__n_blocks")],
            NeuralClassifier(module="mlp"),
            "sets 'module_params__n_blocks', but the module 'mlp'.*does not accept 'n_blocks'",
        ),
        (
            [Decision("module", ("mlp", "resnet"), param="module")],
            NeuralClassifier(module_params={"layer_norm": True}),
            "module_params holds 'layer_norm', which the module 'resnet'",
        ),
    ],
)
def test_decisions_the_estimator_cannot_take_are_refused(decisions, estimator, match):
    with pytest.raises(ValueError, match=match):
        check_space(ArchitectureSpace(decisions), estimator, np.zeros((4, 3)))


def test_module_params_conditioned_on_the_family_pass():
    space = ArchitectureSpace(
        [
            Decision("module", ("mlp", "resnet"), param="module"),
            Decision("blocks", (1, 2), param="module_params__n_blocks", when={"module": "resnet"}),
        ]
    )
    check_space(space, NeuralClassifier(), np.zeros((4, 3)))
