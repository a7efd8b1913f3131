"""Assessment reports: self-contained HTML, PDF (headless Chromium) and the JSON explanation tree."""

from .render import FORMATS, build_report, clean_text, render_html, render_json, row_samples

__all__ = ["FORMATS", "build_report", "clean_text", "render_html", "render_json", "row_samples"]
