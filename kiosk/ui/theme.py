"""The look at the size of the screen: the layout's Metrics chosen for the screen the kiosk runs
on, and the stylesheets written from them.

The stylesheets (``resources/styles/*.qss``) name their sizes at the design size (1280 x 1024,
96 dpi) with a sign before them, and :func:`stylesheet` writes them for the Metrics in use:

* ``$pt22``: type that is 22 px at the design size, in points, times ``Metrics.font``
  (22 px = 16.5 pt; Qt turns points into pixels by the screen's DPI);
* ``$px12``: a length (padding, border radius, margin), times ``Metrics.scale``;
* ``$tap64``: a touch target's least size, times ``Metrics.scale`` but never below 48 px (60 px
  in the elderly mode's stylesheet, its rule).

:func:`use_screen` picks the Metrics before any screen is built: full screen, the size of the
screen the window opens on; in a window, the ``window_size`` setting (1280x800 when empty).
"""
from __future__ import annotations

import logging
import re

from kiosk.resources import resource_dir
from kiosk.ui.kit import ELDERLY_TARGET, LEAST_TARGET, Metrics, metrics, metrics_for, use_metrics

log = logging.getLogger("kiosk.ui.theme")

#: The window's size when it is not full screen and ``window_size`` is empty.
DEFAULT_WINDOW = (1280, 800)
_SIZE = re.compile(r"\$(pt|px|tap)(\d+(?:\.\d+)?)")


def window_size(settings) -> tuple[int, int]:
    """The window's size when not full screen: ``window_size`` (``WIDTHxHEIGHT``) or 1280 x 800."""
    text = getattr(settings, "window_size", "") or ""
    width, _, height = text.lower().partition("x")
    if width.isdigit() and height.isdigit():
        return int(width), int(height)
    return DEFAULT_WINDOW


def use_screen(settings, screen=None) -> Metrics:
    """The layout for where the window will be (call before the screens are built): the whole
    ``screen`` (the primary one unless given) when full screen, else the window's size; the
    screen's logical DPI either way."""
    from PySide6.QtGui import QGuiApplication

    screen = screen or QGuiApplication.primaryScreen()
    dpi = screen.logicalDotsPerInch() if screen is not None else 96.0
    if getattr(settings, "full_screen", False) and screen is not None:
        size = screen.geometry().size()
        width, height = size.width(), size.height()
    else:
        width, height = window_size(settings)
    chosen = metrics_for(width, height, dpi)
    use_metrics(chosen)
    log.info("layout for %dx%d at %.0f dpi: scale %.2f, type %.2f%s", width, height, dpi, chosen.scale,
             chosen.font, ", portrait" if chosen.portrait else "")
    return chosen


def pt(design_px: float, m: Metrics | None = None) -> str:
    """A type size given in pixels at the design size, in points for the Metrics in use."""
    m = m or metrics()
    return f"{design_px * 0.75 * m.font:.1f}pt"


def px(design_px: float, m: Metrics | None = None) -> str:
    m = m or metrics()
    return f"{max(1, round(design_px * m.scale))}px"


def fill(template: str, m: Metrics | None = None, *, least_target: int = LEAST_TARGET) -> str:
    """``template`` with its ``$pt``, ``$px`` and ``$tap`` sizes written for ``m``."""
    m = m or metrics()

    def size(match: re.Match) -> str:
        kind, value = match.group(1), float(match.group(2))
        if kind == "pt":
            return pt(value, m)
        if kind == "px":
            return px(value, m)
        return f"{max(least_target, round(value * m.scale))}px"

    return _SIZE.sub(size, template)


def stylesheet(name: str, m: Metrics | None = None) -> str:
    """``resources/styles/<name>.qss`` written for the Metrics in use ('' if it is missing)."""
    path = resource_dir() / "styles" / f"{name}.qss"
    try:
        template = path.read_text(encoding="utf-8")
    except OSError:
        log.error("stylesheet missing: %s", path)
        return ""
    return fill(template, m, least_target=ELDERLY_TARGET if name == "elderly" else LEAST_TARGET)
