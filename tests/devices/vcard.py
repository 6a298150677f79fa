"""A virtual social-security card for vsmartcard's vpcd reader driver (run as a process).

vpcd (loaded by pcscd) listens on a TCP port; a card "is inserted" when this
process connects and "removed" when it disconnects. Messages both ways are a
2-byte big-endian length and a payload. From vpcd: one byte 0 (power off),
1 (power on), 2 (reset) or 4 (send the ATR); anything longer is an APDU, answered
with data + SW1 SW2.

Commands on stdin, one per line (answer ``ok``):
``insert {json}``   insert a card: ``{"card_number", "id_number", "name"}``; add
                    ``"layout": "ministry"`` to keep the card number in EF05, or
                    ``"ssse": false`` for a card without the SSSE application
``remove``          pull the card out
``pull-on N``       pull the card out instead of answering its N-th READ RECORD
``quit``
It prints ``apdu HEX`` for every APDU it answers.
"""
from __future__ import annotations

import argparse
import json
import os
import selectors
import socket
import sys

HISTORICAL = b"SSSE"
_T0 = 0x80 | len(HISTORICAL)  # TD1 follows; K historical bytes
_TD1 = 0x01  # protocol T=1, nothing more
_body = bytes([_T0, _TD1]) + HISTORICAL
_tck = 0
for _b in _body:
    _tck ^= _b
ATR = bytes([0x3B]) + _body + bytes([_tck])


class Card:
    def __init__(self, spec: dict):
        self.spec = spec
        self.app = False
        self.ef = None
        self.reads = 0
        self.pull_on = 0

    def records(self, ef: str) -> dict[int, bytes]:
        s = self.spec
        name = s["name"].encode("gbk").ljust(30, b"\x00") if s.get("pad_name", True) else s["name"].encode("gbk")
        ef06 = {0x08: s["id_number"].encode("ascii"), 0x09: name}
        ef05 = {}
        number = s["card_number"].encode("ascii")
        if s.get("layout") == "ministry":
            ef05[0x07] = number
        else:
            ef06[0x07] = number
        return {"EF06": ef06, "EF05": ef05}.get(ef, {})

    def apdu(self, apdu: bytes) -> bytes | None:
        """The answer, or None to pull the card out instead."""
        if len(apdu) < 4:
            return b"\x67\x00"
        cla, ins, p1, p2 = apdu[:4]
        if ins == 0xA4 and p1 == 0x04:
            name = apdu[5 : 5 + apdu[4]] if len(apdu) > 5 else b""
            if name == b"sssE" and self.spec.get("ssse", True):
                self.app, self.ef = True, None
                return b"\x90\x00"
            return b"\x6a\x82"
        if ins == 0xA4 and p1 == 0x02:
            fid = apdu[5:7].hex().upper() if len(apdu) >= 7 else ""
            if self.app and fid in ("EF05", "EF06"):
                self.ef = fid
                return b"\x90\x00"
            return b"\x6a\x82"
        if ins == 0xB2:
            self.reads += 1
            if self.pull_on and self.reads >= self.pull_on:
                return None
            if self.ef is None:
                return b"\x69\x86"
            value = self.records(self.ef).get(p1)
            if value is None:
                return b"\x6a\x83"
            return bytes([p1, len(value)]) + value + b"\x90\x00"
        return b"\x6d\x00"


def send(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(len(payload).to_bytes(2, "big") + payload)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    selector = selectors.DefaultSelector()
    stdin = sys.stdin.fileno()
    selector.register(stdin, selectors.EVENT_READ, "control")
    sock: socket.socket | None = None
    card: Card | None = None
    pending = b""
    inbox = b""

    def say(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    def pull() -> None:
        nonlocal sock, inbox
        if sock is not None:
            selector.unregister(sock)
            sock.close()
            sock = None
            inbox = b""

    pull_on = 0
    say("ready")
    try:
        while True:
            for key, _ in selector.select():
                if key.data == "control":
                    chunk = os.read(stdin, 65536)
                    if not chunk:
                        return 0
                    pending += chunk
                    while b"\n" in pending:
                        raw, pending = pending.split(b"\n", 1)
                        word, _, rest = raw.decode().strip().partition(" ")
                        if word == "quit":
                            return 0
                        if word == "insert":
                            pull()
                            card = Card(json.loads(rest))
                            card.pull_on = pull_on
                            sock = socket.create_connection(("127.0.0.1", args.port), timeout=5)
                            sock.setblocking(True)
                            selector.register(sock, selectors.EVENT_READ, "card")
                        elif word == "remove":
                            pull()
                        elif word == "pull-on":
                            pull_on = int(rest)
                            if card is not None:
                                card.pull_on = pull_on
                        say("ok")
                    continue
                data = sock.recv(65536)
                if not data:
                    pull()
                    continue
                inbox += data
                while len(inbox) >= 2 and len(inbox) >= 2 + int.from_bytes(inbox[:2], "big"):
                    size = int.from_bytes(inbox[:2], "big")
                    message, inbox = inbox[2 : 2 + size], inbox[2 + size :]
                    if size == 1:
                        if message[0] == 4:
                            send(sock, ATR)
                        continue  # power off / on / reset need no answer
                    answer = card.apdu(message)
                    if answer is None:
                        say("pulled")
                        pull()
                        break
                    say(f"apdu {message.hex()}")
                    send(sock, answer)
    finally:
        pull()


if __name__ == "__main__":
    sys.exit(main())
