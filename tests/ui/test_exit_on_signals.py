"""`exit_on_signals`: SIGTERM/SIGHUP while the app runs end it cleanly, never by an exception
raised inside its event loop (which could leave the process hanging at exit)."""

from __future__ import annotations

import signal

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static

from minbrowse.ui.app import exit_on_signals

SIGNALS = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])


class Raising(Static):
    """Raises a signal at its own process while mounting: in its own asyncio task, not in
    the app's main one (where a SystemExit from the handler used to do the damage)."""

    def __init__(self, signum: int) -> None:
        super().__init__("raising")
        self.signum = signum

    def on_mount(self) -> None:
        signal.raise_signal(self.signum)


class Tiny(App[None]):
    def __init__(self, signum: int) -> None:
        super().__init__()
        self.signum = signum
        self.unmounted = False

    def compose(self) -> ComposeResult:
        yield Static("before")
        yield Raising(self.signum)
        yield Static("after")

    def on_mount(self) -> None:
        self.set_timer(20, lambda: self.exit(return_code=99))  # the signal was ignored

    def on_unmount(self) -> None:
        self.unmounted = True


@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_a_signal_inside_the_running_app_exits_it_cleanly(signum):
    before = signal.getsignal(signum)
    app = Tiny(signum)
    with exit_on_signals(app, [signum]) as received:
        app.run(headless=True)  # returns: no SystemExit escaped the event loop
    assert received == [128 + signum]
    assert app.return_code == 128 + signum
    assert app.unmounted  # the app went through its whole shutdown
    assert signal.getsignal(signum) is before  # the previous handler is back


def test_outside_the_event_loop_the_signal_raises_system_exit():
    before = signal.getsignal(signal.SIGTERM)
    with exit_on_signals(Tiny(signal.SIGTERM), [signal.SIGTERM]) as received:
        with pytest.raises(SystemExit) as raised:
            signal.raise_signal(signal.SIGTERM)
    assert raised.value.code == 128 + signal.SIGTERM
    assert received == []
    assert signal.getsignal(signal.SIGTERM) is before
