"""The overview's charts, drawn on the server as inline SVG by pygal (DESIGN §6: nothing from outside the server).

pygal would link its tooltip script from a CDN; `js=[]` keeps every chart a plain SVG that needs no script at
all, so each bar carries its value as text instead of a tooltip.
"""

import re

import pygal
from django.utils.safestring import mark_safe
from pygal.style import Style

# Chinese glyphs come from the reader's own system fonts (Windows: Microsoft YaHei; 统信 UOS / 麒麟 and
# Debian: Noto Sans CJK or WenQuanYi); no font is downloaded.
FONT_STACK = ('"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC", '
              '"WenQuanYi Micro Hei", Roboto, sans-serif')
COLOURS = ("#1976d2", "#2e7d32", "#ef6c00", "#6a1b9a", "#c62828", "#00838f", "#5d4037", "#9e9d24",
           "#ad1457", "#455a64", "#283593", "#558b2f", "#ff8f00")
STYLE = Style(
    font_family=FONT_STACK, background="transparent", plot_background="transparent", colors=COLOURS,
    label_font_size=13, major_label_font_size=13, legend_font_size=13, value_font_size=12, title_font_size=15,
    foreground="rgba(0,0,0,.87)", foreground_strong="rgba(0,0,0,.87)", foreground_subtle="rgba(0,0,0,.38)",
)
COMMON = {
    "js": [], "disable_xml_declaration": True, "style": STYLE,
    "legend_at_bottom": True, "truncate_legend": -1, "truncate_label": -1,
    "show_y_guides": True, "print_values": True, "print_zeroes": False, "margin": 12,
}


# pygal always writes its configuration into an inline <script> for its tooltip script; with no such script
# it is dead weight (several KB a chart), so it is dropped, and the chart is plain markup.
CONFIG_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S)


def _render(chart, label: str) -> str:
    svg = CONFIG_SCRIPT.sub("", chart.render(is_unicode=True))
    # An accessible name for screen readers; the SVG is drawn from our numbers only, so it is safe markup.
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))


def stacked_bars(label: str, x_labels: list[str], series: list[tuple[str, list[int]]]) -> str:
    """Counts per column, stacked by series (e.g. cases per month, by state); drawn for a full-width card."""
    # The legend stands on the right: up to 13 states fit in one column, where rows under the plot get clipped.
    chart = pygal.StackedBar(**{**COMMON, "width": 1100, "height": 380, "legend_at_bottom": False},
                             print_values_position="center")
    chart.x_labels = x_labels
    for name, values in series:
        chart.add(name, [value or None for value in values])
    return _render(chart, label)


def bars(label: str, x_labels: list[str], series: list[tuple[str, list]], percent: bool = False) -> str:
    """Side-by-side bars, drawn for a half-width card; `percent` formats values as 12.5%. Many columns (months)
    get slanted labels so that they do not run into each other."""
    options = {**COMMON, "width": 560, "height": 360, "legend_at_bottom_columns": 1,
               "x_label_rotation": 40 if len(x_labels) > 6 else 0}
    if percent:
        options.update(value_formatter=lambda v: f"{v:.0f}%", range=(0, 100))
    chart = pygal.Bar(**options)
    chart.x_labels = x_labels
    for name, values in series:
        chart.add(name, values)
    return _render(chart, label)
