"""Runs an algorithm on a QThread and hands its snapshots to the window.

The worker thread only iterates the generator and stores the newest snapshot; a 30 Hz
timer on the main thread picks it up and emits it. So the window draws at most 30
frames a second, never queues a backlog of frames, and always gets the last one.
Each yield is a point where the run can be paused, stepped or cancelled.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import threading
import time
import traceback
from collections.abc import Iterator
from functools import partial

from PySide6.QtCore import QObject, QThread, QTimer, Signal

from engine.cancellable import call_cancellable, wait_for_helpers
from engine.protocol import Cancelled, RunContext, Snapshot
from ui.history import History

FRAME_MS = 33  # at most 30 snapshots a second reach the window
# A run in the window leaves one core to the main thread, which draws: with every core busy
# (scikit-learn's OpenMP loops, BLAS) each repaint took twice as long on two cores.
WORKER_THREADS = max(1, (os.cpu_count() or 1) - 1)


class _Shared:
    """State the worker writes and the main thread reads, under one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latest: Snapshot | None = None
        self.seq = 0
        self.progress = (0.0, "")
        self.progress_seq = 0
        self.outcome: str | None = None  # "done", "cancelled" or "failed"
        self.error = ("", "")


class _RunThread(QThread):
    """Iterates one run's generator, obeying pause, step, pace and cancel."""

    def __init__(self, generator: Iterator[Snapshot], ctx: RunContext, shared: _Shared,
                 history: History, controls: _Controls, preload: tuple[str, ...] = ()):
        super().__init__()
        self.preload = preload  # heavy modules imported here first, while the window says so
        self.generator = generator
        self.ctx = ctx
        self.shared = shared
        self.history = history
        self.controls = controls

    def run(self):
        shared = self.shared
        outcome, error = "done", ("", "")
        try:
            if self._load_libraries():
                with self.ctx.thread_limits():
                    outcome = self._iterate()
            else:
                outcome = "cancelled"
        except Cancelled:
            outcome = "cancelled"
        except Exception as exc:  # a failing run must never take the window with it
            outcome = "failed"
            error = (f"{type(exc).__name__}: {exc}", traceback.format_exc())
        finally:
            with contextlib.suppress(Exception):  # one that will not close is over for us too
                self.generator.close()
            if self.ctx.cancelled():
                outcome = "cancelled"
            with shared.lock:
                shared.outcome = outcome
                shared.error = error
            self.generator = self.history = None  # a retired thread holds no snapshots

    def _load_libraries(self) -> bool:
        """Import the run's heavy libraries first; False if cancelled meanwhile (an import
        cannot be stopped, so it finishes on a helper thread)."""
        for name in self.preload:
            done, _ = call_cancellable(partial(importlib.import_module, name), self.ctx.cancelled)
            if not done:
                return False
        return True

    def _iterate(self) -> str:
        """Pull snapshots until the run ends ("done") or is cancelled between two of them."""
        shared = self.shared
        last = time.perf_counter()
        while True:
            if not self.controls.wait_for_turn():
                return "cancelled"
            try:
                snapshot = next(self.generator)
            except StopIteration:
                return "done"
            with shared.lock:
                self.history.append(snapshot)
                shared.latest = snapshot
                shared.seq += 1
            last = self.controls.pace(last)


class _Controls:
    """Pause, step, speed and cancel, as the worker thread sees them."""

    def __init__(self, ctx: RunContext, rate: float, paused: bool):
        self.ctx = ctx
        self.rate = rate  # snapshots per second; 0 means as fast as it goes
        self._cond = threading.Condition()
        self._paused = paused
        self._steps = 0

    def set_paused(self, paused: bool):
        with self._cond:
            self._paused = paused
            self._cond.notify_all()

    def step(self):
        with self._cond:
            self._steps += 1
            self._cond.notify_all()

    def cancel(self):
        self.ctx.cancel()
        with self._cond:
            self._cond.notify_all()

    def wait_for_turn(self) -> bool:
        """Block while paused (a step lets one snapshot through); False once cancelled."""
        with self._cond:
            while self._paused and self._steps == 0 and not self.ctx.cancelled():
                self._cond.wait(0.1)
            if self._steps:
                self._steps -= 1
        return not self.ctx.cancelled()

    def pace(self, last: float) -> float:
        """Wait so that snapshots come no faster than the chosen speed; cancel cuts it short."""
        if self.rate > 0:
            delay = 1.0 / self.rate - (time.perf_counter() - last)
            if delay > 0:
                with self._cond:
                    self._cond.wait_for(lambda: self.ctx.cancelled() or self._paused, delay)
        return time.perf_counter()


class RunController(QObject):
    """The window's handle on runs: start, pause, step, cancel; signals for what happened.

    Every run has an id; anything a cancelled or replaced run still produces is dropped.
    """

    started = Signal(int)
    snapshot = Signal(object)
    progress = Signal(float, str)
    finished = Signal(str)  # "done" or "cancelled"
    failed = Signal(str, str)  # plain message, traceback
    paused_changed = Signal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.history = History()
        self.rate = 10.0
        self.run_id = 0
        self._shared: _Shared | None = None
        self._thread: _RunThread | None = None
        self._controls: _Controls | None = None
        self._retiring: list[_RunThread] = []
        self._seen = (0, 0)
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._poll)

    # ---- commands
    def start(self, algorithm, dataset, params: dict, paused: bool = False) -> int:
        """Check the parameters (raising ValueError at once), then run on a new thread."""
        self.cancel()
        generator_params = algorithm.resolve(dataset, params)
        self.run_id += 1
        shared = _Shared()

        def on_progress(fraction, message, shared=shared):
            with shared.lock:
                shared.progress = (fraction, message)
                shared.progress_seq += 1

        ctx = RunContext(seed=generator_params.get("seed", 0), on_progress=on_progress,
                         threads=WORKER_THREADS)
        self.history = History()
        self._shared = shared
        self._controls = _Controls(ctx, self.rate, paused)
        self._thread = _RunThread(algorithm.run(dataset, generator_params, ctx), ctx, shared,
                                  self.history, self._controls,
                                  algorithm.libraries_for(dataset, generator_params))
        self._seen = (0, 0)
        self._thread.start()
        self._timer.start()
        self.started.emit(self.run_id)
        if paused:
            self.paused_changed.emit(True)
        return self.run_id

    def is_running(self) -> bool:
        return self._thread is not None

    def is_paused(self) -> bool:
        return self._controls is not None and self._controls._paused

    def set_rate(self, rate: float) -> None:
        self.rate = rate
        if self._controls is not None:
            self._controls.rate = rate

    def pause(self, paused: bool = True) -> None:
        if self._controls is not None:
            self._controls.set_paused(paused)
            self.paused_changed.emit(paused)

    def step(self) -> None:
        """One more snapshot, then pause."""
        if self._controls is not None:
            if not self._controls._paused:
                self.pause(True)
            self._controls.step()

    def cancel(self) -> None:
        """Stop the current run now; its thread winds down in the background."""
        if self._thread is None:
            return
        self._controls.cancel()
        self._retire()
        self.finished.emit("cancelled")

    def shutdown(self, timeout_ms: int | None = 5000) -> bool:
        """Cancel and wait for every thread (on closing the window; None waits as long as it
        takes); True if all ended."""
        if self._controls is not None:
            self._controls.cancel()
        self._retire()
        ok = True
        deadline = None if timeout_ms is None else time.monotonic() + timeout_ms / 1000
        for thread in self._retiring:
            if deadline is None:
                ok = thread.wait() and ok
            else:
                ok = thread.wait(max(0, int((deadline - time.monotonic()) * 1000))) and ok
        self._retiring = [t for t in self._retiring if t.isRunning()]
        # Library calls a cancel dropped run on in helper threads; exiting under one aborts.
        remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
        return wait_for_helpers(remaining) and ok

    # ---- internals
    def _retire(self):
        thread = self._thread
        self._thread = self._controls = self._shared = None
        self._timer.stop()
        if thread is not None:
            self._retiring.append(thread)
            thread.finished.connect(self._forget)
        self._forget()

    def _forget(self):
        self._retiring = [t for t in self._retiring if t.isRunning()]

    def _poll(self):
        shared = self._shared
        if shared is None:
            return
        with shared.lock:
            latest, seq = shared.latest, shared.seq
            progress, progress_seq = shared.progress, shared.progress_seq
            outcome, error = shared.outcome, shared.error
        if progress_seq != self._seen[1]:
            self.progress.emit(*progress)
        if seq != self._seen[0] and latest is not None:
            self.snapshot.emit(latest)
        self._seen = (seq, progress_seq)
        if outcome is not None:
            self._thread.wait()
            self._thread = self._controls = self._shared = None
            self._timer.stop()
            if outcome == "failed":
                self.failed.emit(*error)
            else:
                self.finished.emit(outcome)
