"""Parameter descriptions shared by the classifier's and regressor's docstrings.

Each estimator writes its own docstring; only the text of the parameters
they have in common is kept here once, and spliced in with ``str.format``.
These strings are format *arguments*, not templates: write braces as they
should appear (``{"relu", ...}``), never doubled.
"""

PREPROCESSING = """\
preprocessing : "auto", "standard", transformer or None, default="auto"
        How inputs are prepared inside the estimator (fitted in ``fit``,
        applied in ``predict``). ``"auto"`` sends a DataFrame with text,
        categorical, boolean or datetime columns or missing values through
        :class:`~skneural.preprocessing.TabularPreprocessor` (imputation,
        scaling, one-hot encoding of categories with up to 32 levels, integer
        codes for learned embeddings above) and standardises any other
        input. ``"standard"`` only standardises numeric input; ``None`` passes numeric input
        unchanged; a scikit-learn transformer is cloned and fitted on the raw
        ``X`` (a ``TabularPreprocessor``'s integer-code columns, its
        categories of more than ``max_onehot_cardinality`` levels, are
        embedded as under ``"auto"``). Numeric arrays must be finite unless a
        transformer that imputes is given."""

ARCHITECTURE = """\
module : str or type of torch.nn.Module, default="mlp"
        The network: ``"mlp"``, ``"resnet"`` or ``"ft_transformer"`` (see
        the architectures guide). A
        ``torch.nn.Module`` subclass (or any callable returning a module) is
        instantiated at fit with ``n_outputs`` and with whichever of
        ``n_features_in``, ``input_shape`` (the shape of one sample of the
        input tensor), ``categorical_cardinalities``, ``hidden_layer_sizes``,
        ``activation``, ``dropout`` and ``batch_norm`` its constructor
        accepts, plus ``module_params``; pass the class or a function, not a
        module instance, as every fit builds a new network. The module needs
        a trainable parameter, float32 parameters, and a floating-point
        output of shape ``(n_samples, n_outputs)``; a first forward pass on
        two training rows checks this before training.
    module_params : dict, default=None
        Extra constructor arguments of ``module``. Each entry is also a
        parameter of its own, ``module_params__<name>``, so
        ``set_params(module_params__width=64)`` and a ``GridSearchCV`` grid
        over ``"module_params__width"`` work.
    hidden_layer_sizes : sequence of int, int or "auto", default="auto"
        Width of each hidden layer; the length is the depth (an int is one
        hidden layer, as in scikit-learn's MLP). ``"auto"``:
        ``(128, 128)``; ``(96, 96)`` on large tables (from ~11,600 training
        rows; with ``numeric_encoding="auto"`` it matched 128 units at 0.6x
        the cost of an epoch); none (a linear head after pooling) for a
        sequence module, where a dense head overfitted the small training
        sets of time-series classification.
    activation : {"relu", "gelu", "silu", "selu", "elu", "leaky_relu", "tanh", \
"logistic", "identity"}, default="relu"
        Non-linearity of the hidden layers.
    dropout : float in [0, 1) or "auto", default="auto"
        Dropout probability after each hidden activation. ``"auto"``: 0.1
        (measured better than none on most small tables of
        ``benchmarks/tune_defaults.py``), and 0 on large tables (where
        ``batch_size="auto"`` exceeds 128, ~11,600 training rows), where it
        cost about half of each epoch's time and ``lr="auto"`` makes up for
        it (``skneural.training.auto_dropout``).
    batch_norm : bool, default=False
        Batch normalisation in each hidden block.
    numeric_encoding : "auto", "piecewise_linear" or None, default="auto"
        How the built-in ``"mlp"`` and ``"resnet"`` read numeric columns.
        ``"piecewise_linear"``: each column becomes the piecewise-linear
        encoding of its 8 quantile bins (computed from the training rows),
        standardised (:class:`~skneural.nn.PiecewiseLinearEncoding`), so that
        the first layer learns a piecewise-linear function of every feature:
        on large tables the network reaches its accuracy in a fraction of
        the epochs (``benchmarks/README.md``, "Large tables"). ``"auto"``:
        that encoding on large tables (from ~11,600 training rows, where
        ``batch_size="auto"`` exceeds 128), none on smaller ones, on images,
        sequences or a torch ``Dataset``; on those large tables, with
        ``preprocessing="auto"``, columns of integers that the target shows
        to be codes (ids of students, shops), not quantities, also get a
        learned embedding per value instead (the mean target differs
        between values beyond noise, but not smoothly: a value's neighbours
        do not predict it; see ``categorical_embeddings()``).
        ``None``: the standardised values as they are. A
        ``numeric_embedding`` in ``module_params`` takes precedence; another
        module raises a ``ValueError`` for ``"piecewise_linear"``."""

TRAINING = """\
optimizer : str or type of torch.optim.Optimizer, default="adamw"
        One of "adam", "adamw", "sgd", "rmsprop", "adagrad", "radam", "nadam",
        or an optimizer class.
    optimizer_params : dict, default=None
        Extra optimizer arguments (e.g. ``{"momentum": 0.9}``); entries are
        settable as ``optimizer_params__<name>``.
    lr : float or "auto", default="auto"
        Learning rate. ``"auto"``: 1e-3, times ``sqrt(batch_size / 128)``
        for larger batches (2e-3 at 512 rows;
        ``skneural.training.auto_lr``), so that large tables, which get
        larger automatic batches, learn as fast per epoch. For a sequence
        module (one whose class declares ``input_kind = "sequence"``, as the
        built-in ``"inception_time"``, ``"gru"``, ... do): 3e-3, annealed to
        0 along a cosine over the steps of the fit (an ``LRScheduler("cosine",
        step_every="batch")`` added to ``callbacks_``, unless ``callbacks``
        holds a schedule already). On large tables (from ~11,600 training
        rows, with validation rows) the rate is divided by 5 after 2 epochs
        without a better validation loss (an
        ``LRScheduler("reduce_on_plateau")`` added to ``callbacks_``). A
        number is a constant rate.
    weight_decay : float, default=0.1
        Weight decay passed to the optimizer (decoupled for "adamw").
    alpha : float, default=0.0
        Strength of the elastic-net penalty on weight matrices (not biases or
        normalisation scales): ``alpha * (l1_ratio * |W|_1 + 0.5 * (1 -
        l1_ratio) * |W|_2^2)`` is added to every batch's mean loss.
    l1_ratio : float in [0, 1], default=0.0
        Mix of the penalty: 0 is pure L2 (ridge), 1 pure L1 (lasso).
    batch_size : int or "auto", default="auto"
        Rows per mini-batch. ``"auto"``: 128, or about 64 steps per epoch
        on large data (256 from ~11,600 training rows, 512 from ~23,000,
        1024 from ~46,000).
    max_epochs : int, default=200
        Maximum number of passes over the training data. When it ends a fit
        before early stopping does (the monitored loss still improving),
        ``fit`` emits a :class:`~sklearn.exceptions.ConvergenceWarning`, as
        scikit-learn's MLP does at ``max_iter``.
    shuffle : bool, default=True
        Reshuffle the rows every epoch.
    augmentation : BatchAugmentation, callable or None, default=None
        Random transforms of each training mini-batch, on the training
        device, after the input layer (never applied to validation rows or in
        predict). A :class:`~skneural.augmentation.BatchAugmentation` (such as
        :class:`~skneural.augmentation.ImageAugment`) is called as
        ``augmentation(X, y, generator=..., n_classes=...)`` with a generator
        of its own, seeded from ``random_state`` and saved in checkpoints, so
        fits stay bit-identical on CPU; its settings are parameters
        ``augmentation__<name>`` (searchable). Mixing transforms (mixup,
        cutmix) turn a classifier's targets into class probabilities, which
        the built-in losses accept (a callable ``loss`` then receives them
        too); one that cannot apply to the targets (cutmix on a regression
        target) raises a ``ValueError``. Any other callable is called on the
        input batch alone, ``augmentation(X) -> X``, and draws from torch's
        global generator, which the fit seeds from ``random_state``.
    tta : int, default=1
        Test-time augmentation: the number of views of each row whose
        predictions (probabilities, for classifiers) are averaged in predict;
        1 turns it off. The first view is the row itself, the others the input
        transforms of ``augmentation`` (a ``BatchAugmentation``; no mixing),
        the same random transform for every row of a view, so a row's
        prediction does not depend on the rows predicted with it. Costs
        ``tta`` forward passes. A parameter rather than a predict argument,
        so that pipelines, ``cross_val_score`` and searches use and tune it.
    early_stopping : bool, default=True
        Stop when the validation loss (the training loss when there is no
        validation data) has not improved by ``tol`` for ``n_iter_no_change``
        epochs, and restore the weights of the best epoch. A sequence module
        without validation data does not stop early: its training loss on a
        few dozen series is too noisy to stop on while the learning rate is
        high, and ``lr="auto"`` anneals it to 0 by ``max_epochs``.
    validation_fraction : float in [0, 1), default=0.1
        Share of the training rows held out for per-epoch validation (its
        loss and metric are in ``history_``; early stopping monitors it).
        0 trains on every row. When the data are too small to leave a row on
        each side, nothing is held out; a sequence module holds out nothing
        when fewer than 100 rows would be (under ~1,000 training
        sequences), since a validation loss of a few series only stops
        training early.
    n_iter_no_change : int, math.inf or "auto", default="auto"
        Patience of early stopping, in epochs (``math.inf``: never stop
        early, as in scikit-learn's MLP; the best epoch is still restored).
        ``"auto"``: 20 epochs (5 on
        large tables, where ``lr="auto"`` decays on plateaus), or the epochs
        that see 1,300,000 training rows when that is fewer, at least 2
        (``skneural.training.auto_patience``): 2 epochs from 650,000
        training rows on, where 20 epochs would be tens of thousands of
        steps after the loss has settled. On large tables an epoch also
        counts as an improvement only when it beats the best validation
        loss by more than ``tol`` and by more than 0.1% of it
        (``relative_delta`` of the early-stopping callback). The patience
        used is ``callbacks_[-1].patience``.
    tol : float, default=1e-4
        Minimum improvement of the monitored loss that resets the patience.
    weight_averaging : float or None, default=1.0
        Validate, early-stop on and keep an exponential moving average of
        the weights spanning about this many epochs, instead of the weights
        of the last step (:class:`~skneural.callbacks.WeightAveraging`;
        lowered the error on 7 of 11 tables of ``benchmarks/tune_defaults.py``).
        ``None`` keeps the raw weights. Not used by ``partial_fit``.
    callbacks : list of skneural.callbacks.Callback, default=None
        Extra callbacks. Each fit works on deep copies, so no state leaks
        between fits or clones.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, dropout, shuffling and the validation
        split. An int gives bit-identical results on CPU, also across
        processes. Global torch random state is left untouched.
    device : str, default="cpu"
        "cpu", "cuda", "cuda:N", "mps" or "auto" (CUDA when available, else
        CPU). Asking for CUDA (or MPS) where it is absent trains on the CPU
        with a ``UserWarning`` that says so.
    precision : {"fp32", "bf16"}, default="fp32"
        Arithmetic of the training steps. "bf16" runs each step's forward
        pass under :func:`torch.autocast` to bfloat16 (matrix products in
        bfloat16; losses, weights and optimizer state in float32), on CPUs
        and on CUDA GPUs with native bfloat16 (Ampere or newer; a
        ``ValueError`` elsewhere). Validation and predictions run in
        float32. Opt-in, meant for GPUs: on a CPU with bfloat16
        instructions it was 1.5x faster than float32 at 2,048 rows per batch
        and 1.5x slower at 256 (``benchmarks/bench_speed.py --variants
        bf16``).
    compile : bool, default=False
        Compile the network with :meth:`torch.nn.Module.compile` (in place:
        ``module_`` keeps its class and state-dict keys). Compiling costs
        seconds to minutes at the first training step, validation pass and
        prediction, and pays off only over long fits of large networks (on
        a CPU it did not: ``benchmarks/bench_speed.py --variants compile``).
        A failure of the compiler raises a ``RuntimeError`` that says to
        use ``compile=False``; a pickled estimator compiles again when loaded.
    n_threads : int, "all" or "auto", default=1
        Torch intra-op threads during fit and predict. 1 avoids
        oversubscription when fits run in parallel (GridSearchCV with
        ``n_jobs``, bagging, stacking) and keeps results bit-identical
        whatever the parallelism; raise it for large networks on a
        dedicated machine ("all" uses every available core). "auto" uses
        1 thread inside a joblib worker (a parallel search or ensemble)
        and otherwise torch's own thread count (``OMP_NUM_THREADS``,
        ``threadpoolctl`` limits and ``torch.set_num_threads`` apply). The
        rule: keep 1 inside parallel searches and ensembles and on shared
        machines (2 threads ran a fit 9-12x slower than 1 on two busy
        cores, ``benchmarks/bench_threads.py``); use "auto" or "all" for a
        single fit on cores of its own (2 idle cores: 1.4x faster for the
        default network, 1.7x for 512 + 512 units). An int must be
        between 1 and the available cores (``ValueError`` otherwise).
    num_workers : int, default=0
        Worker processes that read the samples when ``X`` is a torch
        ``Dataset`` (wrapped in ``skorch.helper.SliceDataset`` for
        scikit-learn's splitters): they read the next batches while the
        network trains (0: read in the main process). Arrays and DataFrames
        need no workers and ignore it. See :class:`skneural.data.DatasetInput`.
    verbose : int, default=0
        Print one line per epoch when positive.
    warm_start : bool, default=False
        Continue training the existing network on the next ``fit`` instead
        of starting afresh."""

ATTRIBUTES = """\
n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.
    input_layer_ : skneural.data.InputLayer
        How ``X`` becomes the network's input tensor, fitted on the training
        data: the case chosen (``kind``: "numeric", "tabular",
        "transformer" or "image"), the tensor's ``input_shape_`` and ``layout`` and its
        integer-code columns (``code_columns_``).
    preprocessor_ : transformer or None
        The fitted input transformer, ``input_layer_.preprocessor_``: a
        ``StandardScaler``, the :class:`~skneural.preprocessing.TabularPreprocessor`
        of ``preprocessing="auto"`` on a raw DataFrame, the fitted clone of a
        ``preprocessing`` transformer, or ``None``.
    module_ : torch.nn.Module
        The trained network.
    device_ : torch.device
        Device the network lives on.
    history_ : skneural.training.History
        One dict per epoch: ``train_loss``, ``valid_loss`` and the validation
        metric when validation data exist, ``lr`` and ``duration``;
        ``history_.to_frame()`` gives a DataFrame.
    loss_curve_ : list of float
        The training loss of each epoch, ``history_.column("train_loss")``
        (the name of scikit-learn's ``MLPClassifier`` and ``MLPRegressor``).
    loss_ : float
        The training loss of the last epoch.
    best_loss_ : float or None
        The lowest training loss, or ``None`` when the last fit held out
        validation rows (scikit-learn's MLP: ``None`` with early stopping).
    validation_scores_ : list of float or None
        The validation score of each epoch: accuracy (classifiers) or R^2
        (regressors), as scikit-learn's MLP reports them; ``None`` without
        validation rows.
    best_validation_score_ : float or None
        The best of ``validation_scores_`` (early stopping itself watches
        the validation loss), or ``None``.
    n_iter_ : int
        Number of epochs trained.
    callbacks_ : list of Callback
        The callbacks of the last fit, with their fitted state."""
