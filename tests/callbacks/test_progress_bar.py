import sys

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


def test_bar_is_off_when_stderr_is_not_a_terminal(make_net, data, capsys):
    assert not sys.stderr.isatty()  # pytest captures it
    net = make_net(callbacks=[ProgressBar()]).fit(*data)
    assert capsys.readouterr().err == ""
    assert not net.callbacks_[0].enabled_


def test_bar_is_on_when_stderr_is_a_terminal(make_net, data, capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    make_net(callbacks=[ProgressBar()], max_epochs=2).fit(*data)
    assert "2/2" in capsys.readouterr().err


def test_missing_tqdm_names_the_extra(make_net, data, monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    with pytest.raises(ImportError, match=r"pip install skneural\[progress\]`.*pip install tqdm"):
        make_net(callbacks=[ProgressBar(force=True)]).fit(*data)
