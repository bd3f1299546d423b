"""The HTML report of a comparison: one self-contained, offline page with inline SVG charts."""

from evalkit.report._html import render_html, write_html

__all__ = ["render_html", "write_html"]
