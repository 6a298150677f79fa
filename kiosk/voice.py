"""Spoken prompts for the main steps (issue 13): recorded clips, played by the system's player.

The kiosk speaks a few fixed sentences ("请将身份证放在感应区", "请取走您的凭条", ...) in the screen's
language. They are recorded clips, not text-to-speech at run time: ``resources/voice/<language>/<prompt>.wav``,
made once from :data:`PROMPTS` with espeak-ng (``python -m kiosk.voice --build``, `make voice`; 12 kHz
8-bit PCM, which every player plays, 12 KB a second: the whole set under 1 MB) and committed with the texts
they were made from (``manifest.json``), so a kiosk needs no speech engine, only a player: ``aplay``
(alsa-utils), ``paplay`` or ``pw-play``, whichever the system has, or the one the settings name.

:class:`Voice` plays on a thread of its own and never blocks its caller (the GUI thread): a new prompt stops
the one still playing (the patient has moved on), a missing player or clip is logged once and the kiosk
stays silent. Nothing personal is ever spoken or logged: the prompts are fixed sentences.
"""
from __future__ import annotations

import json
import logging
import os
import shlex
import shutil
import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger("kiosk.voice")

#: prompt -> (Chinese, English). The screens name a prompt; the clip is the screen's language's.
PROMPTS: dict[str, tuple[str, str]] = {
    "place_card": ("请将身份证或社保卡放在感应区", "Please place your ID card or social security card on the reader."),
    "show_code": ("请将医保电子凭证二维码对准扫描口", "Please hold your medical insurance QR code to the scanner."),
    "check_and_confirm": ("请核对金额，确认后点击确认按钮", "Please check the amount, then tap confirm."),
    "pay_by_phone": ("请用手机扫描屏幕上的二维码付款", "Please scan the code on the screen with your phone to pay."),
    "take_receipt": ("请取走您的凭条", "Please take your receipt."),
    "done": ("办理完成，谢谢", "All done. Thank you."),
    "more_time": ("您还需要更多时间吗？请点击屏幕", "Do you need more time? Please touch the screen."),
}
LANGUAGES = ("zh_CN", "en")
#: espeak-ng's voice for each language (the build only).
ESPEAK_VOICES = {"zh_CN": "cmn", "en": "en-gb"}
RATE = 12_000  # speech needs up to 6 kHz: a telephone carries 3.4
PLAYERS: tuple[tuple[str, ...], ...] = (("aplay", "-q"), ("paplay",), ("pw-play",))


def clips_dir() -> Path:
    from kiosk.resources import resource_dir

    return resource_dir() / "voice"


def clip_path(prompt: str, language: str, folder: Path | None = None) -> Path:
    return (folder or clips_dir()) / ("zh_CN" if language != "en" else "en") / f"{prompt}.wav"


def find_player(configured: str = "") -> list[str] | None:
    """The command that plays a WAV file (the file is appended): ``configured`` (a command line, e.g.
    ``aplay -q -D plughw:1``) if set, else the first of aplay, paplay, pw-play on the PATH; None: silent."""
    if configured.strip():
        return shlex.split(configured)
    for command in PLAYERS:
        if shutil.which(command[0]):
            return list(command)
    return None


class Voice:
    """``say(prompt, language)`` from any thread, returning at once; the clip plays on the voice's thread.
    ``played``: the prompts whose clip the player finished without error, in order (IT's selftest and the
    tests read it). ``enabled`` False: nothing is ever played."""

    def __init__(self, enabled: bool, player: Sequence[str] | None = None, folder: Path | None = None):
        self.enabled = enabled and player is not None
        self.player = list(player or ())
        self.folder = folder
        self.played: list[tuple[str, str]] = []
        self._wanted: tuple[str, str] | None = None
        self._process: subprocess.Popen | None = None
        self._lock = threading.Condition()
        self._closed = False
        self._warned: set[str] = set()
        self._thread: threading.Thread | None = None
        if enabled and player is None:
            log.warning("voice prompts are on but no player was found (aplay, paplay, pw-play): silent")

    def say(self, prompt: str, language: str) -> None:
        if not self.enabled:
            return
        with self._lock:
            if self._closed:
                return
            self._wanted = (prompt, language)
            if self._process is not None and self._process.poll() is None:
                self._process.terminate()  # the patient has moved on: the old prompt stops
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="kiosk-voice", daemon=True)
                self._thread.start()
            self._lock.notify()

    def quiet(self, timeout: float) -> bool:
        """Wait until nothing is playing or waiting to play (``kiosk.voice --say``, IT's selftest); False if
        still speaking after ``timeout`` seconds."""
        with self._lock:
            return self._lock.wait_for(lambda: self._wanted is None and self._process is None, timeout)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._process is not None and self._process.poll() is None:
                self._process.terminate()
            self._lock.notify()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self._lock:
                while self._wanted is None and not self._closed:
                    self._lock.wait()
                if self._closed:
                    return
                prompt, language = self._wanted
                self._wanted = None
                path = clip_path(prompt, language, self.folder)
                if not path.is_file():
                    self._warn(f"no clip {path.name} for {language}")
                    self._lock.notify_all()
                    continue
                try:
                    self._process = subprocess.Popen([*self.player, str(path)], stdin=subprocess.DEVNULL,
                                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                except OSError as exc:
                    self._warn(f"the player {self.player[0]} could not start: {type(exc).__name__}")
                    self._lock.notify_all()
                    continue
                process = self._process
            code = process.wait()
            with self._lock:
                self._process = None
                self._lock.notify_all()
                if code == 0:
                    self.played.append((prompt, language))
                elif code > 0:  # not a prompt stopped by the next one
                    self._warn(f"the player {self.player[0]} failed (exit {code})")

    def _warn(self, what: str) -> None:
        if what not in self._warned:
            self._warned.add(what)
            log.warning("voice: %s", what)


# -- making the clips (a developer's step: `make voice`) ---------------------------------------------------

def build(folder: Path | None = None, espeak: str = "espeak-ng") -> dict:
    """Every prompt in both languages spoken by espeak-ng, made 12 kHz 8-bit PCM WAV, and a manifest of the
    texts they were made from (``tests/test_voice.py`` checks it against :data:`PROMPTS`)."""
    import tempfile
    import warnings
    import wave

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import audioop  # the standard library's, until Python 3.13; the build runs on 3.11

    folder = folder or clips_dir()
    manifest: dict = {"rate": RATE, "sample_bits": 8, "espeak_voices": ESPEAK_VOICES, "prompts": {}}
    for language in LANGUAGES:
        (folder / ("zh_CN" if language != "en" else "en")).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for prompt, texts in PROMPTS.items():
            for language, text in zip(LANGUAGES, texts):
                raw = Path(tmp) / f"{prompt}-{language}.wav"
                subprocess.run([espeak, "-v", ESPEAK_VOICES[language], "-s", "165", "-w", str(raw), text],
                               check=True)
                with wave.open(str(raw)) as src:
                    frames, width, rate = src.readframes(src.getnframes()), src.getsampwidth(), src.getframerate()
                frames, _ = audioop.ratecv(frames, width, 1, rate, RATE, None)
                eight = audioop.bias(audioop.lin2lin(frames, width, 1), 1, 128)  # WAV's 8 bits are unsigned
                with wave.open(str(clip_path(prompt, language, folder)), "wb") as out:
                    out.setnchannels(1)
                    out.setsampwidth(1)
                    out.setframerate(RATE)
                    out.writeframes(eight)
                manifest["prompts"].setdefault(prompt, {})[language] = text
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                          encoding="utf-8")
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m kiosk.voice")
    parser.add_argument("--build", action="store_true", help="make the clips with espeak-ng")
    parser.add_argument("--say", nargs=2, metavar=("PROMPT", "LANGUAGE"), help="play one clip")
    args = parser.parse_args(argv)
    if args.build:
        manifest = build()
        total = sum(p.stat().st_size for p in clips_dir().rglob("*.wav"))
        print(f"{len(manifest['prompts']) * len(LANGUAGES)} clips, {total / 1000:.0f} KB in {clips_dir()}")
        return 0
    if args.say:
        voice = Voice(True, find_player(os.environ.get("KIOSK_VOICE_PLAYER", "")))
        voice.say(*args.say)
        voice.quiet(30)
        voice.close()
        return 0 if voice.played else 1
    parser.print_help()
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
