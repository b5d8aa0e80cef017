import sys
import types

import pytest

from skneural.callbacks import ProgressBar


def test_forced_bar_shows_epochs_and_metrics(make_net, data, capsys):
    net = make_net(callbacks=[ProgressBar(force=True)], max_epochs=3).fit(*data)
    err = capsys.readouterr().err
    assert "3/3" in err
    last = net.history_[-1]
    assert f"train_loss={last['train_loss']:.4g}" in err
    assert f"valid_accuracy={last['valid_accuracy']:.4g}" in err
    assert "duration=" not in err
    assert net.callbacks_[0].enabled_


def test_metrics_selects_what_is_shown(make_net, data, capsys):
    make_net(callbacks=[ProgressBar(force=True, metrics=["valid_loss"])]).fit(*data)
    err = capsys.readouterr().err
    assert "valid_loss=" in err
    assert "train_loss=" not in err


def test_bar_is_off_and_says_why_when_stderr_is_not_a_terminal(make_net, data, capsys):
    assert not sys.stderr.isatty()  # pytest captures it
    with pytest.warns(UserWarning, match=r"neither a terminal nor a Jupyter.*force=True"):
        net = make_net(callbacks=[ProgressBar()]).fit(*data)
    assert capsys.readouterr().err == ""
    assert not net.callbacks_[0].enabled_


def test_bar_is_on_when_stderr_is_a_terminal(make_net, data, capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    make_net(callbacks=[ProgressBar()], max_epochs=2).fit(*data)
    assert "2/2" in capsys.readouterr().err


def _fake_ipython(monkeypatch, config):
    shell = types.SimpleNamespace(config=config)
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: shell))


def test_bar_is_on_in_a_jupyter_kernel(make_net, data, capsys, monkeypatch, recwarn):
    # A Jupyter kernel's stderr is no terminal; without ipywidgets (no
    # notebook widget) the text bar shows in the cell's output.
    _fake_ipython(monkeypatch, {"IPKernelApp": {}})
    monkeypatch.setattr("tqdm.notebook.IProgress", None)
    net = make_net(callbacks=[ProgressBar()], max_epochs=2).fit(*data)
    assert "2/2" in capsys.readouterr().err
    assert net.callbacks_[0].enabled_
    assert not [w for w in recwarn if "ProgressBar shows nothing" in str(w.message)]


def test_a_terminal_ipython_shell_is_no_notebook(make_net, data, monkeypatch):
    _fake_ipython(monkeypatch, {"TerminalIPythonApp": {}})
    with pytest.warns(UserWarning, match="ProgressBar shows nothing"):
        net = make_net(callbacks=[ProgressBar()], max_epochs=2).fit(*data)
    assert not net.callbacks_[0].enabled_
