"""Several uvicorn workers, each with its own SO_REUSEPORT listening socket, under a small supervisor.

uvicorn's multi-worker mode shares one listening socket, and a burst of new keep-alive
connections goes to whichever worker wakes first: with 100 connections opened at once, one of two
workers ran at 100% CPU while the other stayed idle (`bench.overhead --workers 2`). With a socket
per worker the kernel spreads new connections over the workers by their addresses.
"""

import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE

logger = logging.getLogger("calendy.serve")
# A worker that dies sooner than this after its start is failing to start, not crashing.
_MIN_UPTIME_S = 5.0
_MAX_BACKOFF_S = 30.0


def reuse_port_supported() -> bool:
    """Whether the kernel spreads connections over several SO_REUSEPORT sockets (Linux; not the BSDs)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def _new_socket(host: str) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    return sock


def bind_reuse_port(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port with SO_REUSEPORT (not yet listening)."""
    sock = _new_socket(host)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def reserve_port(host: str, port: int) -> socket.socket:
    """Check that nothing listens on host:port (port 0: pick one), then hold it with SO_REUSEPORT.

    The check binds without SO_REUSEPORT: a socket that has it would share the port with another
    server of the same user (an old copy left running) instead of failing.
    """
    with _new_socket(host) as probe:
        probe.bind((host, port))
        port = probe.getsockname()[1]
    return bind_reuse_port(host, port)


def _leave_with_parent(supervisor: int) -> None:
    # A supervisor killed with SIGKILL cannot stop its workers; each then stops itself
    # (gracefully, as on SIGTERM) rather than keep the port as an orphan.
    while os.getppid() == supervisor:
        time.sleep(1.0)
    os.kill(os.getpid(), signal.SIGTERM)


def _run_worker(config: dict[str, Any], host: str, port: int, supervisor: int) -> None:
    # Its own process group: a Ctrl-C in the terminal reaches the supervisor alone, which then
    # stops each worker once (a second signal would make uvicorn drop in-flight requests).
    os.setpgid(0, 0)
    threading.Thread(target=_leave_with_parent, args=(supervisor,), daemon=True).start()
    sock = bind_reuse_port(host, port)
    uvicorn.Server(uvicorn.Config(**config, host=host, port=port)).run(sockets=[sock])


@dataclass
class _Slot:
    """One worker position: its current process and how its recent starts went."""

    process: BaseProcess | None = None
    started: float = 0.0
    first_start: bool = True
    quick_deaths: int = 0
    not_before: float = 0.0


class WorkerSupervisor:
    """Start `workers` processes, replace any that crash, stop them all on SIGINT/SIGTERM."""

    def __init__(self, *, config: dict[str, Any], host: str, port: int, workers: int, graceful_timeout_s: float):
        self.config, self.host, self.workers = config, host, workers
        self.graceful_timeout_s = graceful_timeout_s
        # Held (bound, never listening) for the supervisor's lifetime: a port in use fails here,
        # once, and port 0 becomes one real port for every worker.
        self._reserved = reserve_port(host, port)
        self.port: int = self._reserved.getsockname()[1]
        self._context = multiprocessing.get_context("spawn")
        self._slots = [_Slot() for _ in range(workers)]
        self._stopping = False

    def _start(self, slot: _Slot) -> None:
        slot.process = self._context.Process(
            target=_run_worker, args=(self.config, self.host, self.port, os.getpid()), name="calendy-worker"
        )
        slot.process.start()
        slot.started = time.monotonic()

    def _on_signal(self, signum: int, _frame: object) -> None:
        self._stopping = True

    def run(self) -> int:
        """Serve until a signal; return the exit code (uvicorn's start-up failure code if workers cannot start)."""
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._on_signal)
        logger.info("starting %d workers on %s:%d", self.workers, self.host, self.port)
        for slot in self._slots:
            self._start(slot)
        code = 0
        try:
            while not self._stopping:
                time.sleep(0.2)
                code = self._tend()
                if code:
                    break
        finally:
            self._stop_all()
            self._reserved.close()
        return code

    def _tend(self) -> int:
        """Restart dead workers (backing off when they keep dying); non-zero when they cannot start at all."""
        now = time.monotonic()
        for slot in self._slots:
            process = slot.process
            if process is not None and process.is_alive():
                if now - slot.started >= _MIN_UPTIME_S:
                    slot.first_start, slot.quick_deaths = False, 0
                continue
            if process is not None:
                quick = now - slot.started < _MIN_UPTIME_S
                if process.exitcode == STARTUP_FAILURE or (quick and slot.first_start):
                    logger.error("worker %s could not start (exit code %s); stopping", process.pid, process.exitcode)
                    return STARTUP_FAILURE
                slot.quick_deaths = slot.quick_deaths + 1 if quick else 0
                delay = min(_MAX_BACKOFF_S, 0.5 * 2**slot.quick_deaths) if slot.quick_deaths else 0.0
                logger.warning(
                    "worker %s exited with code %s; starting another in %.1f s", process.pid, process.exitcode, delay
                )
                slot.process, slot.not_before = None, now + delay
            if now >= slot.not_before:
                self._start(slot)
        return 0

    def _stop_all(self) -> None:
        processes = [slot.process for slot in self._slots if slot.process is not None]
        for process in processes:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)
        # uvicorn lets in-flight requests finish for up to the graceful timeout, then the lifespan ends.
        deadline = time.monotonic() + self.graceful_timeout_s + 10
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                logger.error("worker %s did not stop in time; killing it", process.pid)
                process.kill()
                process.join()
