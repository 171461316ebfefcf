"""A real hub process for end-to-end tests: ``python run.py`` on a free port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class HubProcess:
    """Starts, stops, kills and restarts one hub; keeps its output in a log file."""

    def __init__(self, var_dir: Path, *, port: int | None = None, db: str | None = None,
                 message_queue: str | None = None, center: str | None = None, demo: bool = True,
                 env: dict[str, str] | None = None, args: list[str] | None = None,
                 program: list[str] | None = None, cwd: Path | None = None) -> None:
        self.var_dir = Path(var_dir)
        self.port = port or free_port()
        self.db = db
        self.message_queue = message_queue
        self.center = center
        self.demo = demo
        self.env = env or {}
        self.args = list(args or [])  # extra run.py flags, e.g. ["--simulate", "--speed", "120"]
        # Another way to start a hub, e.g. an installed ``yimen`` script run from elsewhere:
        # then nothing of the checkout is importable (no PYTHONPATH, cwd outside it).
        self.program = program or [sys.executable, str(ROOT / "run.py")]
        self.cwd = cwd or ROOT
        self.proc: subprocess.Popen | None = None
        self.log_path = self.var_dir / f"hub-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        cmd = [*self.program, "--host", "127.0.0.1", "--port", str(self.port),
               "--var", str(self.var_dir)]
        if self.db:
            cmd += ["--db", self.db]
        if self.message_queue:
            cmd += ["--message-queue", self.message_queue]
        if self.center:
            cmd += ["--center", self.center]
        if self.demo:
            cmd.append("--demo")
        return cmd + self.args

    def start(self, timeout: float = 30.0) -> HubProcess:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("YIMEN_")}
        if self.cwd != ROOT:
            env.pop("PYTHONPATH", None)
        if self.message_queue:
            # Hubs started by one process share a channel of their own, so that two test
            # or benchmark runs on the same Redis do not hear each other's hubs.
            env["YIMEN_MQ_CHANNEL"] = f"yimen-{os.getpid()}"
        env.update(self.env)
        env.setdefault("YIMEN_LOG_LEVEL", "WARNING")
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(self.command(), cwd=self.cwd, env=env, stdout=log,
                                         stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"hub exited with {self.proc.returncode}:\n{self.output()}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).ok:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"hub did not come up within {timeout}s:\n{self.output()}")

    def output(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-5000:]
        except FileNotFoundError:
            return ""

    def stop(self, timeout: float = 10.0) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to tidy up."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def restart(self) -> HubProcess:
        self.stop()
        return self.start()
