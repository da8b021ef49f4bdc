"""The alert sounds: one per level, distinct, mutable, never blocking the GUI thread.

* critical — two falling tones three times, loud (repeated by the desk until acknowledged);
* warning — two soft rising tones once, at under half the critical loudness;
* feed — a low double tone (the data stopped, not a SKU);
* watch — one short quiet tone.

Levels without their own sound use the nearest one (:data:`SOUND_OF`).

QtMultimedia is not part of PySide6-Essentials, so a sound is played by the
first thing available: ``QSoundEffect`` (if QtMultimedia is installed), else a
desktop sound player started detached (``paplay``, ``pw-play``, ``aplay``,
``afplay``), else ``QApplication.beep()``.  ``backend="silent"`` plays nothing
but keeps every count (tests, screenshots).  The WAVs are generated on first use
into ``resources/sounds/`` (the shipped ones are the same bytes).
"""
from __future__ import annotations

import io
import math
import shutil
import struct
import wave
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QUrl, Signal
from PySide6.QtWidgets import QApplication

from ui.paths import resource

PLAYERS = ("paplay", "pw-play", "aplay", "afplay")
RATE = 16000

# (tones as (Hz, seconds), amplitude 0..1, times): what makes each level recognisable by ear.
SOUNDS: dict[str, tuple[tuple[tuple[float, float], ...], float, int]] = {
    "critical": (((988.0, 0.12), (659.0, 0.16)), 0.55, 3),
    "warning": (((587.0, 0.10), (784.0, 0.14)), 0.22, 1),
    "feed": (((392.0, 0.14), (392.0, 0.14)), 0.35, 1),
    "watch": (((880.0, 0.07),), 0.10, 1),
}
SOUND_OF = {"critical": "critical", "warning": "warning", "lost_sales": "warning", "frozen_with_stock": "warning",
            "feed": "feed", "watch": "watch"}
WAV_PATH = resource("sounds", "critical.wav")


def wav_path(name: str) -> Path:
    return resource("sounds", f"{name}.wav")


def tone_wav_bytes(name: str, rate: int = RATE) -> bytes:
    """The WAV of sound ``name`` (16-bit mono)."""
    tones, amp, times = SOUNDS[name]
    frames = bytearray()
    for _ in range(times):
        for freq, dur in tones:
            n = int(rate * dur)
            for i in range(n):
                env = min(1.0, i / 160, (n - i) / 160)
                frames += struct.pack("<h", int(amp * 32767 * env * math.sin(2 * math.pi * freq * i / rate)))
            frames += b"\x00\x00" * int(rate * 0.03)
        frames += b"\x00\x00" * int(rate * 0.08)
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))
    return buf.getvalue()


def critical_wav_bytes(rate: int = RATE) -> bytes:
    """The critical sound (kept for callers of the one-sound desk)."""
    return tone_wav_bytes("critical", rate)


def peak(wav: bytes) -> int:
    """The loudest sample of a 16-bit mono WAV (tests compare levels' loudness with it)."""
    with wave.open(io.BytesIO(wav)) as w:
        data = w.readframes(w.getnframes())
    return max(abs(v) for (v,) in struct.iter_unpack("<h", data))


def ensure_wav(name: str = "critical") -> Path:
    path = wav_path(name)
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(tone_wav_bytes(name))
        except OSError:  # a read-only install: the shipped files should be there
            pass
    return path


class AlertSound(QObject):
    """Plays a level's sound unless muted; counts plays (tests and the status bar read them)."""

    mutedChanged = Signal(bool)
    played = Signal(str)  # the sound's name, each time one is asked for while not muted

    def __init__(self, parent=None, *, backend: str | None = None) -> None:
        super().__init__(parent)
        self.muted = False
        self.plays = 0  # critical sounds asked for while not muted (the desk's status and older tests)
        self.counts: dict[str, int] = {name: 0 for name in SOUNDS}
        self.log: list[str] = []  # every sound played, in order (bounded)
        self._effects: dict[str, object] = {}
        self._player = None
        self.backend = backend or self._detect()

    def _detect(self) -> str:
        try:
            from PySide6.QtMultimedia import QSoundEffect  # not in PySide6-Essentials

            for name in SOUNDS:
                eff = QSoundEffect(self)
                eff.setSource(QUrl.fromLocalFile(str(ensure_wav(name))))
                self._effects[name] = eff
            return "qsoundeffect"
        except Exception:
            self._effects = {}
        for exe_name in PLAYERS:
            exe = shutil.which(exe_name)
            if exe:
                self._player = exe
                for name in SOUNDS:
                    ensure_wav(name)
                return exe_name
        return "beep"

    def set_muted(self, muted: bool) -> None:
        if muted != self.muted:
            self.muted = muted
            self.mutedChanged.emit(muted)

    def play(self, level: str = "critical") -> bool:
        """Play ``level``'s sound once (asynchronously); False if muted."""
        if self.muted:
            return False
        name = SOUND_OF.get(level, "warning")
        self.counts[name] += 1
        if name == "critical":
            self.plays += 1
        self.log.append(name)
        del self.log[:-500]
        self.played.emit(name)
        if self.backend == "qsoundeffect" and name in self._effects:
            self._effects[name].play()
        elif self._player:
            QProcess.startDetached(self._player, [str(wav_path(name))])
        elif self.backend == "beep":
            QApplication.beep()
        return True
