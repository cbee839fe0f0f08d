"""Start the app in the production layout (2 gunicorn web + 2 Huey consumers) and break it on purpose."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from xsight.config import project_root

WORKER_GREENLETS = "4"
STOP_TIMEOUT_S = 15
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def free_port() -> int:
    """Return a free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Layout:
    """The app's processes: web-a and web-b (gunicorn, gevent), worker-1 and worker-2 (Huey)."""

    env: dict[str, str]
    folder: Path
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    ports: list[int] = field(default_factory=list)
    kills: list[dict[str, object]] = field(default_factory=list)

    @property
    def urls(self) -> list[str]:
        """Return the two web processes' base URLs."""
        return [f"http://127.0.0.1:{p}" for p in self.ports]

    def _command(self, name: str) -> tuple[list[str], dict[str, str]]:
        if name.startswith("web"):
            port = self.ports[0 if name == "web-a" else 1]
            return ([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                    {"PORT": str(port), "HOST": "127.0.0.1", "WEB_CONCURRENCY": "1"})
        return [sys.executable, "-m", "xsight.worker", "-k", "greenlet", "-w", WORKER_GREENLETS], {}

    def spawn(self, name: str) -> None:
        """Start (or restart) one process, appending to its log."""
        command, extra = self._command(name)
        log = (self.folder / f"{name}.log").open("ab")
        self.procs[name] = subprocess.Popen(
            command, cwd=project_root(), stdout=log, stderr=subprocess.STDOUT,
            env={**self.env, **extra})
        log.close()

    def start(self, timeout: float = 90) -> None:
        """Start the four processes and wait until both web processes answer /healthz."""
        self.ports = [free_port(), free_port()]
        for name in ("web-a", "web-b", "worker-1", "worker-2"):
            self.spawn(name)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                if all(httpx.get(u + "/healthz", timeout=1).status_code == 200 for u in self.urls):
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"The web processes did not answer within {timeout:.0f} s; see {self.folder}.")

    def check_alive(self) -> None:
        """Raise when a process died on its own (not by our SIGKILL)."""
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                tail = (self.folder / f"{name}.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{name} exited with {proc.returncode}:\n{tail}")

    def kill_worker(self, name: str, down_s: float = 1.0) -> None:
        """SIGKILL one Huey consumer (whatever it is doing), then start it again."""
        proc = self.procs[name]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        time.sleep(down_s)
        self.spawn(name)
        self.kills.append({"worker": name, "pid": proc.pid, "at": time.strftime("%H:%M:%S")})

    def stop(self) -> None:
        """Stop every process (SIGTERM, then SIGKILL after a grace period)."""
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


def restart_redis(url: str, down_s: float = 1.0) -> dict[str, object]:
    """Shut a loopback Redis down without saving and start it again with the same settings.

    The queue's contents are lost, as with a Redis without persistence (scripts/services.sh runs
    one with `--save "" --appendonly no`): the app must recover from what its database holds.
    """
    import redis

    parts = urlsplit(url)
    if parts.hostname not in LOOPBACK:
        raise ValueError(f"The soak restarts only a loopback Redis, not {parts.hostname!r}.")
    client = redis.Redis.from_url(url)
    conf = {k: client.config_get(k).get(k, "") for k in ("dir", "pidfile", "logfile", "save",
                                                            "appendonly", "port")}
    lost = client.dbsize()
    with contextlib.suppress(redis.ConnectionError):  # the server closes the connection as it goes down
        client.shutdown(nosave=True)
    started = time.monotonic()
    time.sleep(down_s)
    command = ["redis-server", "--port", str(conf["port"]), "--bind", "127.0.0.1",
               "--save", str(conf["save"]), "--appendonly", str(conf["appendonly"]),
               "--dir", str(conf["dir"]), "--daemonize", "yes"]
    if conf["pidfile"]:
        command += ["--pidfile", str(conf["pidfile"])]
    if conf["logfile"]:
        command += ["--logfile", str(conf["logfile"])]
    subprocess.run(command, check=True, capture_output=True)
    for _ in range(100):
        try:
            if redis.Redis.from_url(url).ping():
                break
        except redis.ConnectionError:
            time.sleep(0.1)
    else:
        raise RuntimeError(f"Redis on port {conf['port']} did not come back.")
    return {"at": time.strftime("%H:%M:%S"), "down_s": round(time.monotonic() - started, 2),
            "keys_lost": lost}
