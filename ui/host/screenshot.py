"""``python -m ui.host.screenshot [OUT_DIR]``: the host view's screenshots in every state, size and language.

Writes ``host-{state}-{W}x{H}-{lang}.png`` (default ``docs/screenshots/``) for the states of
:data:`ui.host.samples.STATES` at 1280×720, 1920×1080, 3840×2160 and portrait 1080×1920, in
Chinese and English.  PNGs are saved as 8-bit palette images (the view has few colours) to
keep them small.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0] if argv else Path(__file__).resolve().parents[2] / "docs" / "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage

    from ui.app import make_app
    from ui.host.samples import SIZES, STATES, sample_state
    from ui.host.view import render

    n = 0
    for lang in ("zh_CN", "en"):
        app = make_app(lang)
        for w, h in SIZES:
            for state in STATES:
                img, _ = render(sample_state(state), w, h)
                small = img.convertToFormat(QImage.Format.Format_Indexed8, Qt.ImageConversionFlag.ThresholdDither | Qt.ImageConversionFlag.AvoidDither)
                path = out / f"host-{state}-{w}x{h}-{lang}.png"
                small.save(str(path), "PNG", 9)
                n += 1
    print(f"{n} host-view screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
