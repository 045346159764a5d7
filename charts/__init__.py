"""Plotly figures for the pages and reports: one function per chart, DataFrame in, figure out."""

from charts.colors import brand_colors, color_of
from charts.share_of_voice import share_of_voice_chart
from charts.volume import volume_chart

__all__ = ["brand_colors", "color_of", "share_of_voice_chart", "volume_chart"]
