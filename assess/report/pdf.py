"""Print the HTML report to PDF with headless Chromium (no network, no external resources)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from governance.errors import ShopgovError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """Path of a Chromium binary: ``$SHOPGOV_CHROMIUM``, then the usual names on PATH."""
    env = os.environ.get("SHOPGOV_CHROMIUM")
    if env and Path(env).is_file() and os.access(env, os.X_OK):
        return env
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def html_to_pdf(html: str, output: str | Path, timeout: float = 180.0) -> Path:
    """Render ``html`` to ``output`` (written atomically). Raises ShopgovError if Chromium is missing or fails."""
    chromium = find_chromium()
    if chromium is None:
        raise ShopgovError(
            "PDF export needs Chromium, which is not installed: run `apt-get install chromium fonts-noto-cjk` "
            "(or `make setup` as root), or set SHOPGOV_CHROMIUM to a Chromium binary; "
            "HTML and JSON reports work without it"
        )
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="shopgov-pdf-") as tmp:
        src = Path(tmp) / "report.html"
        src.write_text(html, encoding="utf-8")
        pdf = Path(tmp) / "report.pdf"
        cmd = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-extensions", "--disable-sync", "--no-first-run", "--no-default-browser-check",
            "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio",
            f"--user-data-dir={Path(tmp) / 'profile'}", "--no-pdf-header-footer", "--print-to-pdf-no-header",
            f"--print-to-pdf={pdf}", src.as_uri(),
        ]
        env = dict(os.environ, HOME=tmp)
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
        except subprocess.TimeoutExpired:
            raise ShopgovError(f"Chromium did not finish printing the PDF within {timeout:.0f} s") from None
        if not pdf.exists() or pdf.stat().st_size == 0 or not pdf.read_bytes().startswith(b"%PDF"):
            tail = "\n".join((proc.stderr or "").strip().splitlines()[-8:])
            raise ShopgovError(f"Chromium ({chromium}) failed to print the PDF (exit {proc.returncode}):\n{tail}")
        tmp_out = out.with_name(f".{out.name}.{os.getpid()}.tmp")
        shutil.copyfile(pdf, tmp_out)
        os.replace(tmp_out, out)
    return out
