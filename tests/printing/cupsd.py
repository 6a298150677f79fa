"""A private CUPS scheduler for the tests: its own configuration, spool and socket in a
temporary folder, so the machine's CUPS (if any) is neither used nor changed.

* ``add_pdf_queue``: a cups-pdf queue. cups-pdf reads ``/etc/cups/cups-pdf-<name>.conf``
  for a device URI ``cups-pdf:/<name>`` (the path is compiled in); the file points its
  output at our folder and is removed again on ``stop()``.
* ``add_raw_queue``: ``socket://127.0.0.1:PORT``, raw: the bytes reach a local TCP listener
  exactly as sent.

cupsd runs filters and back-ends as ``lp`` but cups-pdf only as root, so the scheduler must
be started by root (``available()`` says why not).
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")


def available() -> str | None:
    """``None`` if a private cupsd with cups-pdf can run here, else the reason."""
    if os.geteuid() != 0:
        return "cupsd with cups-pdf needs root"
    for tool in ("cupsd", "lpadmin", "lp", "lpstat", "cancel", "cupsdisable", "cupsenable", "pdftotext",
                 "pdffonts"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (make debs)"
    if not Path("/usr/lib/cups/backend/cups-pdf").exists() or not PPD.exists():
        return "printer-driver-cups-pdf is not installed (make debs)"
    return None


class PrivateCups:
    def __init__(self, root: Path):
        self.root = root
        self.socket = str(root / "cups.sock")
        self.pdf_out = root / "pdf-out"
        self.proc: subprocess.Popen | None = None
        self._conf_files: list[Path] = []
        self.tag = uuid.uuid4().hex[:8]

    # -- life ---------------------------------------------------------------------------
    def start(self, timeout: float = 20.0) -> None:
        r = self.root
        for sub in ("etc/ppd", "spool/tmp", "cache", "run", "log", "cups-pdf-spool"):
            (r / sub).mkdir(parents=True, exist_ok=True)
        self.pdf_out.mkdir(exist_ok=True)
        os.chmod(r, 0o755)
        os.chmod(self.pdf_out, 0o777)
        os.chmod(r / "spool" / "tmp", 0o1777)
        os.chmod(r / "cups-pdf-spool", 0o1777)
        (r / "etc" / "cups-files.conf").write_text(f"""\
ServerRoot {r}/etc
RequestRoot {r}/spool
TempDir {r}/spool/tmp
CacheDir {r}/cache
StateDir {r}/run
ErrorLog {r}/log/error_log
AccessLog {r}/log/access_log
PageLog {r}/log/page_log
Printcap {r}/run/printcap
ServerBin /usr/lib/cups
DataDir /usr/share/cups
User lp
Group lp
SystemGroup root
Sandboxing Relaxed
""")
        (r / "etc" / "cupsd.conf").write_text(f"""\
Listen {self.socket}
LogLevel info
WebInterface No
Browsing No
JobRetryInterval 1
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
""")
        log = open(r / "log" / "cupsd.out", "wb")
        self.proc = subprocess.Popen(
            ["cupsd", "-f", "-c", str(r / "etc" / "cupsd.conf"), "-s", str(r / "etc" / "cups-files.conf")],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"cupsd exited {self.proc.returncode}: {self.log_tail()}")
            if os.path.exists(self.socket) and self.run(["lpstat", "-r"], check=False).returncode == 0:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"cupsd did not start in {timeout} s: {self.log_tail()}")
            time.sleep(0.05)

    def stop(self) -> None:
        for path in self._conf_files:
            path.unlink(missing_ok=True)
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.proc = None

    # -- commands -------------------------------------------------------------------------
    def run(self, argv: list[str], check: bool = True, data: bytes | None = None):
        env = {**os.environ, "CUPS_SERVER": self.socket, "LC_ALL": "C", "LANG": "C"}
        proc = subprocess.run(argv, env=env, input=data, capture_output=True, timeout=30)
        if check and proc.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)}: {proc.stderr.decode(errors='replace')}")
        return proc

    def add_pdf_queue(self, name: str) -> str:
        """A cups-pdf queue writing into ``pdf_out``; its name (lower case, unique per run)."""
        name = f"{name.lower()}{self.tag}"
        conf = Path(f"/etc/cups/cups-pdf-{name}.conf")
        conf.parent.mkdir(parents=True, exist_ok=True)
        conf.write_text(f"Out {self.pdf_out}\nAnonDirName {self.pdf_out}\nSpool {self.root}/cups-pdf-spool\n"
                        f"Label 0\nGrp root\nLog {self.root}/log\nLogType 3\n")
        self._conf_files.append(conf)
        self.run(["lpadmin", "-p", name, "-v", f"cups-pdf:/{name}", "-E", "-P", str(PPD)])
        return name

    def add_raw_queue(self, name: str, port: int) -> str:
        self.run(["lpadmin", "-p", name, "-v", self.raw_uri(port), "-E", "-m", "raw"])
        return name

    @staticmethod
    def raw_uri(port: int) -> str:
        return f"socket://127.0.0.1:{port}"

    def set_uri(self, queue: str, uri: str) -> None:
        self.run(["lpadmin", "-p", queue, "-v", uri])

    def disable(self, queue: str) -> None:
        self.run(["cupsdisable", queue])

    def enable(self, queue: str) -> None:
        self.run(["cupsenable", queue])

    def cancel_all(self, queue: str) -> None:
        self.run(["cancel", "-a", queue], check=False)

    def jobs(self, queue: str, which: str = "not-completed") -> list[str]:
        out = self.run(["lpstat", "-W", which, "-o", queue], check=False).stdout.decode()
        return [line.split()[0] for line in out.splitlines() if line.strip()]

    def pdf_for_job(self, job: str, timeout: float = 20.0) -> Path:
        """The cups-pdf output of ``job`` (``QUEUE-12`` -> ``*job_12.pdf``), once complete."""
        number = job.rsplit("-", 1)[1]
        deadline = time.monotonic() + timeout
        while True:
            found = [p for p in self.pdf_out.glob(f"*job_{number}.pdf") if p.stat().st_size > 0]
            if found and job not in self.jobs(job.rsplit("-", 1)[0]):
                return found[0]
            if time.monotonic() > deadline:
                raise AssertionError(f"no cups-pdf output for {job} in {timeout} s: {self.log_tail()}")
            time.sleep(0.05)

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = (self.root / "log" / "error_log").read_text(errors="replace")
        except OSError:
            text = ""
        return "\n".join(text.splitlines()[-lines:])
