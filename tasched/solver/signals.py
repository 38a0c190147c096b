"""Ctrl-C and SIGTERM during a search: stop CP-SAT, keep the best rota found so far."""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
from collections.abc import Iterator

from tasched.solver.tiers import Search


@contextlib.contextmanager
def stop_on_signal(search: Search) -> Iterator[None]:
    """Ctrl-C or SIGTERM stops the search; the best rota found so far is kept.

    While CP-SAT runs, the main thread is inside C++ and Python signal handlers
    wait for it to return. The signal's wake-up byte reaches a socket at once, so a
    watcher thread hears it and asks CP-SAT to stop.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    reader, writer = socket.socketpair()
    writer.setblocking(False)
    finished = threading.Event()

    def watch() -> None:
        while True:
            try:
                reader.recv(1)
            except OSError:
                return
            if finished.is_set():
                return
            search.stop()

    def record(signum: int, frame: object) -> None:
        pass  # the watcher thread has already acted on the wake-up byte

    previous = {sig: signal.signal(sig, record) for sig in (signal.SIGINT, signal.SIGTERM)}
    old_fd = signal.set_wakeup_fd(writer.fileno())
    watcher = threading.Thread(target=watch, name="tasched-signal-watch", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        signal.set_wakeup_fd(old_fd)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        finished.set()
        with contextlib.suppress(OSError):
            writer.send(b"\0")
        watcher.join(timeout=1)
        reader.close()
        writer.close()
