"""A simulated resident ID-card reader: a separate process speaking the SAM protocol on a pty.

The kiosk's real serial driver talks to it as to a reader on a USB serial
port. Tests, ``make bench`` and the demo (``id_reader = "sam-simulator"``) use it.

    python -m kiosk.devices.sam_simulator --port /tmp/x/ttyDEV      # one end of a socat pair
    python -m kiosk.devices.sam_simulator --pty-link /tmp/x/ttyID   # makes its own pty

Commands, one per line on stdin (answers on stdout, one line each):

``place {json}``        lay a card: a JSON object with the fields of ``IdCard`` (a card
                        already there is lifted first: one *find* sees no card)
``place-raw HEX``       lay a card whose 256-byte text block is given as hex
``remove``              lift the card
``fault KIND [TARGET] [COUNT]``  spoil the next COUNT (default 1; -1: all) answers to
                        TARGET (``read``, ``find``, ``select`` or ``any``; default ``read``).
                        KIND: ``garbage`` (noise before the frame), ``badchecksum``,
                        ``split`` (dribbled in small pieces), ``truncate`` (half a frame),
                        ``silent`` (no answer), ``badlength``, ``status:XX`` (SW3 = hex XX)
``clear``               no more faults
``quit``

Stdout: ``ready PATH`` once the port is open; ``ok`` after each command;
``sent read T`` after the last byte of every read-text answer, T being
``time.monotonic()`` (the same clock in every process on Linux).

When the port goes away (socat killed) the simulator waits for it to come back
at the same path, as a reader on a re-plugged USB port would.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import selectors
import sys
import time
import tty

from kiosk.devices import sam
from kiosk.devices.errors import DeviceError
from kiosk.devices.events import IdCard

_TARGETS = {"read": sam.READ_TEXT, "find": sam.FIND_CARD, "select": sam.SELECT_CARD}


class SamSimulator:
    def __init__(self, out=sys.stdout):
        self.out = out
        self.text_block: bytes | None = None
        self.faults: list[list] = []  # [kind, target, remaining]
        self.selected = False
        self.lifting = False
        self.rng = random.Random(0x96_69)

    # -- control ------------------------------------------------------------
    def say(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()

    def control(self, line: str) -> bool:
        """One command line; False to quit."""
        word, _, rest = line.strip().partition(" ")
        if word in ("place", "place-raw"):
            block = (sam.encode_text_block(IdCard(**json.loads(rest))) if word == "place"
                     else bytes.fromhex(rest.strip()))
            # A card already there is lifted first: the next "find" sees an empty field.
            self.lifting = self.text_block is not None
            self.text_block = block
            self.selected = False
        elif word == "remove":
            self.text_block = None
            self.selected = False
        elif word == "fault":
            parts = rest.split()
            kind = parts[0]
            target = parts[1] if len(parts) > 1 else "read"
            count = int(parts[2]) if len(parts) > 2 else 1
            self.faults.append([kind, target, count])
        elif word == "clear":
            self.faults.clear()
        elif word == "quit":
            return False
        elif word:
            self.say(f"error unknown command {word}")
            return True
        self.say("ok")
        return True

    def _fault_for(self, command: tuple[int, int]) -> str | None:
        for fault in self.faults:
            kind, target, remaining = fault
            if target == "any" or _TARGETS.get(target) == command:
                if remaining > 0:
                    fault[2] -= 1
                    if fault[2] == 0:
                        self.faults.remove(fault)
                return kind
        return None

    # -- protocol -----------------------------------------------------------
    def answer(self, command: sam.Command) -> sam.Response:
        key = (command.cmd, command.para)
        if key == sam.FIND_CARD:
            if self.lifting:
                self.lifting = False
                return sam.Response(0x80)
            return sam.Response(sam.FIND_OK if self.text_block is not None else 0x80, bytes(4))
        if key == sam.SELECT_CARD:
            if self.text_block is None:
                return sam.Response(0x81)
            self.selected = True
            return sam.Response(sam.OK, bytes(8))
        if key == sam.READ_TEXT:
            if self.text_block is None or not self.selected:
                return sam.Response(0x41)
            return sam.Response(sam.OK, sam.read_text_data(self.text_block))
        if key in (sam.RESET_SAM, sam.SAM_STATUS):
            return sam.Response(sam.OK)
        return sam.Response(0x21)

    def respond(self, fd: int, command: sam.Command) -> None:
        key = (command.cmd, command.para)
        response = self.answer(command)
        fault = self._fault_for(key)
        if fault and fault.startswith("status:"):
            response = sam.Response(int(fault.split(":", 1)[1], 16))
            fault = None
        raw = bytearray(sam.encode_response(response.sw3, response.data))
        if fault == "silent":
            return
        if fault == "badchecksum":
            raw[-1] ^= 0x5A
        elif fault == "truncate":
            raw = raw[: len(raw) // 2]
        elif fault == "badlength":
            raw[5:7] = b"\xff\xff"
        elif fault == "garbage":
            raw = bytearray(self.rng.randbytes(23)) + b"\xaa\xaa" + raw
        if fault == "split":
            view = bytes(raw)
            while view:
                n = self.rng.randint(1, 13)
                piece, view = view[:n], view[n:]
                _write_all(fd, piece)
                time.sleep(0.0005)
        else:
            _write_all(fd, bytes(raw))
        if key == sam.READ_TEXT:
            self.say(f"sent read {time.monotonic():.6f}")


def _write_all(fd: int, data: bytes) -> None:
    while data:
        n = os.write(fd, data)
        data = data[n:]


def _open_port(path: str) -> int:
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    tty.setraw(fd)
    os.set_blocking(fd, True)
    return fd


def _make_pty(link: str) -> tuple[int, int]:
    master, slave = os.openpty()
    tty.setraw(slave)
    tmp = f"{link}.tmp{os.getpid()}"
    os.symlink(os.ttyname(slave), tmp)
    os.replace(tmp, link)
    return master, slave  # keep the slave open: the master then never sees a hang-up


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sam_simulator", description=__doc__.split("\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--port", help="the device end of a pty pair (socat)")
    where.add_argument("--pty-link", help="make a pty and link its kiosk end here")
    args = parser.parse_args(argv)

    sim = SamSimulator()
    keep = None
    if args.pty_link:
        fd, keep = _make_pty(args.pty_link)
        where_name = args.pty_link
    else:
        fd = _open_port(args.port)
        where_name = args.port
    sim.say(f"ready {where_name}")

    decoder = sam.FrameDecoder()
    selector = selectors.DefaultSelector()
    stdin = sys.stdin.fileno()
    selector.register(stdin, selectors.EVENT_READ, "control")
    selector.register(fd, selectors.EVENT_READ, "port")
    pending = b""
    try:
        while True:
            if fd < 0:  # unplugged: wait for the port to come back at the same path
                try:
                    fd = _open_port(args.port)
                except OSError:
                    pass
                else:
                    selector.register(fd, selectors.EVENT_READ, "port")
                    decoder.clear()
            for key, _ in selector.select(timeout=0.05 if fd < 0 else None):
                if key.data == "control":
                    chunk = os.read(stdin, 65536)
                    if not chunk:
                        return 0  # the parent went away
                    pending += chunk
                    while b"\n" in pending:
                        line, pending = pending.split(b"\n", 1)
                        if not sim.control(line.decode("utf-8")):
                            return 0
                    continue
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    data = b""
                if not data:
                    selector.unregister(fd)
                    os.close(fd)
                    fd = -1
                    if args.port is None:
                        return 0
                    continue
                decoder.feed(data)
                _serve(sim, decoder, fd)
    finally:
        if keep is not None:
            os.close(keep)


def _serve(sim: SamSimulator, decoder: sam.FrameDecoder, fd: int) -> None:
    while True:
        try:
            body = decoder.next_body()
        except DeviceError:
            continue  # a real reader ignores a damaged command
        if body is None:
            return
        try:
            command = sam.decode_command(body)
        except DeviceError:
            continue
        try:
            sim.respond(fd, command)
        except OSError:
            return


class SimulatorProcess:
    """The parent's handle on a simulator process that made its own pty (``--pty-link``)."""

    def __init__(self, link: str):
        self.link = link
        self.proc = None

    def start(self, timeout_s: float = 10.0) -> None:
        import subprocess

        self.proc = subprocess.Popen([sys.executable, "-m", "kiosk.devices.sam_simulator", "--pty-link", self.link],
                                     stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout_s
        while not os.path.exists(self.link):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise DeviceError("port_unavailable", "the simulated SAM reader did not start")
            time.sleep(0.01)

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def ended(self) -> str:
        """Why the process is gone, in words ("" while it runs or before it started)."""
        if self.proc is None or self.proc.poll() is None:
            return ""
        code = self.proc.returncode
        how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
        return f"the simulated reader process ended ({how})"

    def send(self, line: str) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            self.proc.stdin.write(line.encode("utf-8") + b"\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass

    def place(self, card: IdCard) -> None:
        import dataclasses

        self.send("place " + json.dumps(dataclasses.asdict(card), ensure_ascii=False))

    def remove(self) -> None:
        self.send("remove")

    def stop(self) -> None:
        import subprocess

        if self.proc is None:
            return
        self.send("quit")
        try:
            self.proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        self.proc = None
        try:
            os.unlink(self.link)
        except OSError:
            pass


if __name__ == "__main__":
    sys.exit(main())
