"""The critical-alert sound: distinct, repeatable, mutable, never blocking the GUI thread.

QtMultimedia is not part of PySide6-Essentials, so the sound is played by the
first thing available: ``QSoundEffect`` (if QtMultimedia is installed), else a
desktop sound player started detached (``paplay``, ``pw-play``, ``aplay``,
``afplay``), else ``QApplication.beep()``.  The WAV (two falling tones, three
times) is generated on first use into ``resources/sounds/critical.wav``.
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

WAV_PATH = resource("sounds", "critical.wav")
PLAYERS = ("paplay", "pw-play", "aplay", "afplay")


def critical_wav_bytes(rate: int = 22050) -> bytes:
    """Two falling tones (988 Hz, 659 Hz) three times: unlike any desktop notification."""
    frames = bytearray()
    for _ in range(3):
        for freq, dur in ((988.0, 0.12), (659.0, 0.16)):
            n = int(rate * dur)
            for i in range(n):
                env = min(1.0, i / 200, (n - i) / 200)
                frames += struct.pack("<h", int(0.55 * 32767 * env * math.sin(2 * math.pi * freq * i / rate)))
        frames += b"\x00\x00" * int(rate * 0.08)
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))
    return buf.getvalue()


def ensure_wav(path: Path = WAV_PATH) -> Path:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(critical_wav_bytes())
    return path


class AlertSound(QObject):
    """Plays the critical sound unless muted; counts plays (tests and the status bar read it)."""

    mutedChanged = Signal(bool)

    def __init__(self, parent=None, *, backend: str | None = None) -> None:
        super().__init__(parent)
        self.muted = False
        self.plays = 0  # times the sound was asked for while not muted
        self._effect = None
        self._player = None
        self.backend = backend or self._detect()

    def _detect(self) -> str:
        try:
            from PySide6.QtMultimedia import QSoundEffect  # not in PySide6-Essentials

            self._effect = QSoundEffect(self)
            self._effect.setSource(QUrl.fromLocalFile(str(ensure_wav())))
            return "qsoundeffect"
        except Exception:
            self._effect = None
        for name in PLAYERS:
            exe = shutil.which(name)
            if exe:
                self._player = exe
                ensure_wav()
                return name
        return "beep"

    def set_muted(self, muted: bool) -> None:
        if muted != self.muted:
            self.muted = muted
            self.mutedChanged.emit(muted)

    def play(self) -> bool:
        """Play once (asynchronously); False if muted."""
        if self.muted:
            return False
        self.plays += 1
        if self.backend == "qsoundeffect" and self._effect is not None:
            self._effect.play()
        elif self._player:
            QProcess.startDetached(self._player, [str(WAV_PATH)])
        elif self.backend == "beep":
            QApplication.beep()
        return True
