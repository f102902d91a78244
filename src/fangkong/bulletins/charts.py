"""The bulletin's charts as SVG (matplotlib), drawn from its frozen content, for the page and the PDF alike."""

from __future__ import annotations

import base64
import io
import logging

import matplotlib

matplotlib.use("Agg")  # no display on a server
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import PatchCollection  # noqa: E402
from matplotlib.patches import Polygon  # noqa: E402

from fangkong import fonts  # noqa: E402

plt.rcParams["axes.unicode_minus"] = False
logger = logging.getLogger(__name__)


def _subplots(size: tuple[float, float]):
    """A figure drawn in the bulletin font. Without it (a broken install) the page still shows its charts, and
    says so in the log; the PDF is refused before it gets here (services.render_pdf)."""
    try:
        fonts.require()
    except fonts.FontUnavailable as missing:
        logger.error("bulletin chart drawn without its CJK font: %s", missing)
    return plt.subplots(figsize=size)


def _svg(figure) -> str:
    """The figure as an SVG data URI for an <img>: browsers and WeasyPrint both draw it as an image."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def curve_svg(curve: dict, labels: dict[str, str]) -> str:
    figure, axes = _subplots((7.2, 2.6))
    days = [d[5:] for d in curve["dates"]]
    axes.bar(days, curve["onset"], color="#f97316", label=labels["onset"])
    axes.plot(days, curve["report"], color="#0369a1", marker="o", markersize=2.5, label=labels["report"])
    axes.set_xticks(days[:: max(1, len(days) // 8)])
    axes.yaxis.get_major_locator().set_params(integer=True)
    # Counts: a day without cases sits on the axis, and a month without any still has whole-number ticks.
    axes.set_ylim(0, max(1, *curve["onset"], *curve["report"]) * 1.08)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(frameon=False, fontsize=8)
    axes.tick_params(labelsize=8)
    return _svg(figure)


def map_svg(children: list[dict], label: str) -> str:
    """Children coloured by their figure; a child without a boundary is left out, and "" when none has one."""
    shapes = [(c, ring) for c in children if c.get("boundary")
              for ring in _outer_rings(c["boundary"])]
    if not shapes:
        return ""
    figure, axes = _subplots((5.2, 3.6))
    axes.set_axis_off()
    values = [c["value"] for c, _ in shapes]
    patches = PatchCollection([Polygon(ring, closed=True) for _, ring in shapes], cmap="YlOrRd",
                              edgecolor="#334155", linewidth=0.6)
    patches.set_array(values)
    patches.set_clim(0, max(1, max(values)))
    axes.add_collection(patches)
    axes.autoscale_view()
    axes.set_aspect("equal")
    for child in children:
        if child.get("boundary"):
            x, y = _centre(_outer_rings(child["boundary"])[0])
            axes.text(x, y, f"{child['name']}\n{child['value']}", ha="center", va="center", fontsize=7)
    figure.colorbar(patches, ax=axes, shrink=0.7, label=label)
    return _svg(figure)


def _outer_rings(geometry: dict) -> list[list]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry["type"] == "MultiPolygon":
        return [polygon[0] for polygon in geometry["coordinates"]]
    return []


def _centre(ring: list) -> tuple[float, float]:
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
