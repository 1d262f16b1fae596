"""Headless Debian chromium for the browser tests (Playwright sync API), in one place: :func:`launch` (a
module-scoped ``browser`` fixture is ``yield from launch()``) and :class:`Page`, the explorer opened from
file:// with every request routed (only ``file:``, ``data:`` and ``blob:`` pass) and its console errors,
requests and dialogs recorded.

Skipped only when /usr/bin/chromium is absent and CI is not set; under CI they must run (.ci/install-browser.sh
installs chromium). Screenshots go to test-artifacts/.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LOCAL = ("file:", "data:", "blob:")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def launch():
    """A generator yielding a chromium ``Browser`` (closed after): skip without chromium, fail under CI."""
    if not CHROMIUM.exists():
        if in_ci():
            pytest.fail(f"CI is set but {CHROMIUM} is missing: .ci/install-browser.sh must install chromium")
        pytest.skip(f"{CHROMIUM} not installed (run .ci/install-browser.sh); browser tests need it")
    sync_api = pytest.importorskip("playwright.sync_api") if not in_ci() else __import__(
        "playwright.sync_api", fromlist=["sync_playwright"])
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Page:
    """The explorer at ``path`` (a file) or ``url`` (``file://…#…``), ready (and its SPARQL engine too, with
    ``engine``), in a context of its own."""

    def __init__(self, browser, path: Path | None = None, hash: str = "", *, url: str = "", size=(1600, 1000),
                 engine: bool = True):
        self.context = browser.new_context(viewport={"width": size[0], "height": size[1]}, accept_downloads=True)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))

        def route(r):
            self.requests.append(r.request.url)
            if r.request.url.startswith(LOCAL):
                r.continue_()
            else:
                r.abort()
        self.context.route("**/*", route)

        def on_dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()
        self.page.on("dialog", on_dialog)
        self.page.goto(url or path.resolve().as_uri() + hash)
        self.wait("window.kgExplorer && window.kgExplorer.ready === true")
        if engine:
            self.wait("window.kgExplorer.engineReady === true || !!window.kgExplorer.engineError")
            assert self.js("window.kgExplorer.engineError || null") is None

    def wait(self, expr: str, timeout: float = 30.0):
        # polled from here: the page's CSP (rightly) refuses the eval that wait_for_function would need
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.page.evaluate(f"!!({expr})"):
                return
            time.sleep(0.03)
        raise AssertionError(f"timed out waiting for {expr}")

    def js(self, expr: str, arg=None):
        """``expr`` evaluated in the page once its query (run in the engine's worker, so answered after the
        click) is answered; :meth:`now` evaluates at once."""
        self.wait("!(window.kgExplorer && kgExplorer.engine && kgExplorer.engine.running())")
        return self.page.evaluate(expr, arg)

    def now(self, expr: str, arg=None):
        return self.page.evaluate(expr, arg)

    def check_clean(self):
        """No console error, no request that left the page, no dialog, no error the page reports."""
        assert self.errors == [], self.errors
        assert [u for u in self.requests if not u.startswith(LOCAL)] == []
        assert self.dialogs == []
        assert self.js("window.kgExplorer.error") is None

    def shot(self, name: str):
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"explorer-{name}.png"))

    def label_boxes(self, name: str = "") -> list[dict]:
        """The graph's drawn label boxes (read from vis-network), asserting that no two overlap."""
        boxes = self.js("kgExplorer.graph.labelBoxes()")
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                dx = min(a["right"], b["right"]) - max(a["left"], b["left"])
                dy = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
                assert dx <= 0.5 or dy <= 0.5, (name, a, b)
        return boxes

    def readable(self) -> list[dict]:
        """The graph opened at a zoom where 14 px labels are ≥ 12 px, and no two drawn label boxes overlap."""
        scale = self.js("kgExplorer.graph.network.getScale()")
        assert scale * 14 >= 12, scale
        return self.label_boxes()

    def close(self):
        self.context.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
