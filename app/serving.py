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
import threading
import time
from multiprocessing.process import BaseProcess
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE

logger = logging.getLogger("calendy.serve")
# A worker that dies sooner than this after its start is failing to start, not crashing.
_MIN_UPTIME_S = 5.0


def reuse_port_supported() -> bool:
    """Whether this platform can balance connections over several sockets on one port."""
    return hasattr(socket, "SO_REUSEPORT") and os.name == "posix"


def bind_reuse_port(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port with SO_REUSEPORT (not yet listening)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _leave_with_parent(parent: int) -> None:
    # A supervisor killed with SIGKILL cannot stop its workers; each then stops itself
    # (gracefully, as on SIGTERM) rather than keep the port as an orphan.
    while os.getppid() == parent:
        time.sleep(1.0)
    os.kill(os.getpid(), signal.SIGTERM)


def _run_worker(config: dict[str, Any], host: str, port: int) -> None:
    # Its own process group: a Ctrl-C in the terminal reaches the supervisor alone, which then
    # stops each worker once (a second signal would make uvicorn drop in-flight requests).
    os.setpgid(0, 0)
    threading.Thread(target=_leave_with_parent, args=(os.getppid(),), daemon=True).start()
    sock = bind_reuse_port(host, port)
    uvicorn.Server(uvicorn.Config(**config, host=host, port=port)).run(sockets=[sock])


class WorkerSupervisor:
    """Start `workers` processes, replace any that crash, stop them all on SIGINT/SIGTERM."""

    def __init__(self, *, config: dict[str, Any], host: str, port: int, workers: int, graceful_timeout_s: float):
        self.config, self.host, self.workers = config, host, workers
        self.graceful_timeout_s = graceful_timeout_s
        # Held (bound, never listening) for the supervisor's lifetime: a port in use fails here,
        # once, and port 0 becomes one real port for every worker.
        self._reserved = bind_reuse_port(host, port)
        self.port: int = self._reserved.getsockname()[1]
        self._context = multiprocessing.get_context("spawn")
        self._processes: list[tuple[BaseProcess, float]] = []
        self._stopping = False

    def _start_worker(self) -> tuple[BaseProcess, float]:
        process = self._context.Process(
            target=_run_worker, args=(self.config, self.host, self.port), name="calendy-worker"
        )
        process.start()
        return process, time.monotonic()

    def _on_signal(self, signum: int, _frame: object) -> None:
        self._stopping = True

    def run(self) -> int:
        """Serve until a signal; return the exit code (uvicorn's start-up failure code if a worker cannot start)."""
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._on_signal)
        logger.info("starting %d workers on %s:%d", self.workers, self.host, self.port)
        self._processes = [self._start_worker() for _ in range(self.workers)]
        code = 0
        try:
            while not self._stopping:
                time.sleep(0.2)
                code = self._replace_dead_workers()
                if code:
                    break
        finally:
            self._stop_all()
            self._reserved.close()
        return code

    def _replace_dead_workers(self) -> int:
        for index, (process, started) in enumerate(self._processes):
            if process.is_alive() or self._stopping:
                continue
            if process.exitcode == STARTUP_FAILURE or time.monotonic() - started < _MIN_UPTIME_S:
                logger.error("worker %s could not start (exit code %s); stopping", process.pid, process.exitcode)
                return STARTUP_FAILURE
            logger.warning("worker %s exited with code %s; starting another", process.pid, process.exitcode)
            self._processes[index] = self._start_worker()
        return 0

    def _stop_all(self) -> None:
        for process, _ in self._processes:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)
        # uvicorn lets in-flight requests finish for up to the graceful timeout, then the lifespan ends.
        deadline = time.monotonic() + self.graceful_timeout_s + 10
        for process, _ in self._processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                logger.error("worker %s did not stop in time; killing it", process.pid)
                process.kill()
                process.join()
