"""Starts projects_api.py as a child process on a free loopback port and stops it again.

Shared by make_har.py and check_projects_api.py. Python 3 standard library only.
"""

import os
import signal
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "projects_api.py")


class Target:
    """`with Target(flaws) as t:` gives t.base_url; the child is always stopped on exit."""

    def __init__(self, flaws=(), start_timeout=10.0):
        self.flaws = list(flaws)
        self.start_timeout = start_timeout
        self.proc = None
        self.base_url = None
        self.returncode = None
        self.stderr = tempfile.TemporaryFile()

    def __enter__(self):
        cmd = [sys.executable, SCRIPT, "--port", "0"]
        for flaw in self.flaws:
            cmd += ["--flaw", flaw]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.stderr,
                                     stdin=subprocess.DEVNULL)
        line = []
        reader = threading.Thread(target=lambda: line.append(self.proc.stdout.readline()),
                                  daemon=True)
        reader.start()
        reader.join(self.start_timeout)
        text = line[0].decode().strip() if line else ""
        prefix = "listening on "
        if not text.startswith(prefix):
            self.stop()
            raise RuntimeError("target did not start (first line %r); stderr:\n%s"
                               % (text, self.stderr_text()))
        self.base_url = text[len(prefix):]
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def stop(self, sig=signal.SIGTERM, timeout=5.0):
        """Sends `sig`, waits up to `timeout` s, kills if needed; returns the exit code."""
        if self.proc is None:
            return self.returncode
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout)
        self.returncode = self.proc.returncode
        self.proc.stdout.close()
        self.proc = None
        return self.returncode

    def stderr_text(self):
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")
