"""The browser test: JupyterLab + Chromium show each learner-visible fix where a learner sees it.

One JupyterLab over a temporary copy of the course (lessons and learner editions), one browser
page, notebooks opened in turn. Checks, by the engine's CSS classes (``pm-*``), never by lesson
text: options and labels that wrap without overlap or clipping (light and dark theme, default
width and 1,000 px), Markdown rendered in prompts, one status per question (widget and code
cells agree, also after a restart), no red progress bar after a finished job, a memo with
nothing pre-selected and no rubric before the learner checks, dashboards whose labels, sliders
and chart text fit and that say nothing twice, and a lesson that opens without being modified.

Lessons 00, 02, 04, 05 and exercises 02 are opened (issue 19's walk-through). A check that
depends on another part of the course being rewritten says so with ``xfail`` and its reason.
A screenshot of the last screen of each test lands in ``test-output/``. Locally a missing
Chromium skips this file; under CI it fails instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test-output"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHECKS = (Path(__file__).with_name("checks.js")).read_text(encoding="utf-8")

if CHROMIUM is None and os.environ.get("CI"):
    pytest.fail(
        "CI must run the browser test: install Debian's chromium (.ci/run does)", pytrace=False
    )
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="Chromium not installed (apt-get install chromium)"
    ),
]
playwright_api = pytest.importorskip("playwright.sync_api")

KERNEL_IDLE = (
    "() => window.jupyterapp?.shell.currentWidget"
    "?.sessionContext?.session?.kernel?.status === 'idle'"
)
# Every code cell has run (run-all stops at an error, so an error times out here).
ALL_RAN = (
    "() => { const w = window.jupyterapp?.shell.currentWidget;"
    " const k = w?.sessionContext?.session?.kernel?.status;"
    " return k === 'idle' && w.content.widgets.every("
    "   c => c.model.type !== 'code' || c.model.executionCount !== null); }"
)
# Chromium as root in a container: no sandbox, and no background calls to hosts it cannot reach.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEFAULT_VIEW = {"width": 1400, "height": 1000}
NARROW_VIEW = {"width": 1000, "height": 1000}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(base: str, token: str, path: str, method: str = "GET"):
    req = urllib.request.Request(f"{base}{path}?token={token}", method=method)
    with urllib.request.urlopen(req, timeout=10) as resp:
        body = resp.read()
    return json.loads(body) if body else None


def _settings(folder: Path) -> None:
    """User settings: no news toast over the page; every cell rendered (no windowing), so a
    check sees the whole notebook."""
    for plugin, data in {
        "apputils-extension/notification": {"fetchNews": "false"},
        "notebook-extension/tracker": {"windowingMode": "none"},
    }.items():
        path = folder / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(ROOT / "lessons", root / "lessons")
    (root / "exercises").mkdir()
    for nb in (ROOT / "exercises").glob("*.ipynb"):  # the learner editions
        shutil.copy(nb, root / "exercises" / nb.name)
    home = tmp_path_factory.mktemp("home")
    _settings(home / "lab-settings")
    port, token = _free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PM_TOOLKIT_HOME": str(home),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "lab-settings"),
    }
    for name in ("PM_TOOLKIT_STRICT", "PM_TOOLKIT_LEARNER", "PM_TOOLKIT_PROGRESS_DIR"):
        env.pop(name, None)
    OUT.mkdir(exist_ok=True)
    log = (OUT / "jupyter-lab.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            f"--ServerApp.root_dir={root}",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
            "--ServerApp.allow_root=True",
            "--LabApp.news_url=None",
            "--LabApp.expose_app_in_browser=True",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        for _ in range(240):  # up to ~2 minutes on a busy 2-core machine
            with contextlib.suppress(OSError):
                _api(base, token, "/api/status")
                break
            if proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited early; see {OUT / 'jupyter-lab.log'}")
            time.sleep(0.5)
        else:
            raise RuntimeError("jupyter lab did not answer within 2 minutes")
        yield {"base": base, "token": token, "root": root, "home": home}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def page(browser):
    return browser.new_page(viewport=DEFAULT_VIEW)


@pytest.fixture(autouse=True)
def _screenshot(request):
    yield
    page = request.node.funcargs.get("page")
    if page is None:
        return
    report = getattr(request.node, "rep_call", None)
    status = "passed" if report is not None and report.passed else "FAILED"
    with contextlib.suppress(Exception):
        page.screenshot(path=str(OUT / f"ui-{request.node.name}-{status}.png"))


def check(page, name: str, *args):
    """Run one of the checks in checks.js in the page; returns its list of problems (or value)."""
    return page.evaluate(
        f"(args) => {{ const C = {CHECKS}; return C.{name}(...args); }}", list(args)
    )


def goto(page, lab, path: str) -> None:
    """Load JupyterLab on ``path`` (a page load) and wait for its kernel."""
    page.goto(f"{lab['base']}/lab/tree/{path}?token={lab['token']}&reset")
    page.wait_for_function(KERNEL_IDLE, timeout=120_000)


def open_tab(page, lab, path: str) -> None:
    """Open another notebook in the same page (no reload) and wait for its kernel."""
    if not page.evaluate("() => !!window.jupyterapp"):
        goto(page, lab, path)  # a test run on its own: load JupyterLab first
        return
    page.evaluate(
        "(p) => { window.jupyterapp.commands.execute('docmanager:open', {path: p}); }", path
    )
    page.wait_for_function(
        "(p) => window.jupyterapp.shell.currentWidget?.context?.path === p", arg=path
    )
    page.wait_for_function(KERNEL_IDLE, timeout=120_000)


def run_all(page) -> None:
    # Fire and forget: awaiting the command inside page.evaluate can hang (no timeout there).
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    page.wait_for_timeout(300)
    page.wait_for_function(ALL_RAN, timeout=240_000, polling=250)
    page.wait_for_timeout(500)  # let the last widget views render


def theme(page, name: str) -> None:
    page.evaluate(
        "(t) => { window.jupyterapp.commands.execute('apputils:change-theme', {theme: t}); }", name
    )
    light = "true" if "Light" in name else "false"
    page.wait_for_function(f"() => document.body.dataset.jpThemeLight === '{light}'")
    # JupyterLab shows its splash screen while it swaps themes: wait until it is gone.
    page.wait_for_function("() => !document.querySelector('#jupyterlab-splash')", timeout=30_000)
    page.wait_for_timeout(300)


def in_dark(page, *names: str) -> list[str]:
    """The problems the named checks find in JupyterLab's dark theme (light is restored)."""
    theme(page, "JupyterLab Dark")
    try:
        return [p for name in names for p in check(page, name)]
    finally:
        theme(page, "JupyterLab Light")


def assert_none(problems: list[str]) -> None:
    assert problems == [], "\n".join(problems)


def learner_layout_checks(page) -> list[str]:
    return (
        check(page, "layout")
        + check(page, "markdown")
        + check(page, "oneStatus")
        + check(page, "redBars")
        + check(page, "memoUntouched")
        + check(page, "contrast")
    )


# -- lesson 00 ----------------------------------------------------------------------------------------
def test_lesson00_opens_unmodified_and_runs_clean(lab, page):
    goto(page, lab, "lessons/00_start_here.ipynb")
    page.wait_for_timeout(1500)  # JupyterLab writes the kernel's language info now, if it differs
    model = page.evaluate(
        "() => window.jupyterapp.shell.currentWidget.context.model.toJSON().metadata"
    )
    on_disk = json.loads((lab["root"] / "lessons" / "00_start_here.ipynb").read_text())["metadata"]
    changed = {k for k in set(model) | set(on_disk) if model.get(k) != on_disk.get(k)}
    python = ".".join(map(str, sys.version_info[:3]))
    if on_disk["language_info"].get("version") == python:
        assert changed == set(), f"opening lesson 00 changed its metadata: {changed}"
        assert not page.evaluate("() => window.jupyterapp.shell.currentWidget.context.model.dirty")
    else:  # another Python than the one the lesson was saved with: only that may differ
        model["language_info"].pop("version", None)
        on_disk["language_info"].pop("version", None)
        assert model == on_disk
    run_all(page)
    readouts = page.locator(".pm-dashboard").first.locator(".widget-readout").all_inner_texts()
    assert readouts[:3] == ["1299", "20", "2"]  # a later cell never moves the first widget
    assert check(page, "promptsWithCode") > 0  # `code` in prompts is rendered as code
    assert page.locator(".pm-memo:visible").count() >= 1
    assert_none(learner_layout_checks(page))


def test_lesson00_box_answers_get_directions_units_and_one_status(lab, page, monkeypatch):
    from pm_toolkit.exercises import LearnerContext, lesson

    aov = page.locator(".pm-exercise").nth(1)  # q2: the AOV from the learner's own orders
    answer = aov.locator(".pm-answer input")
    feedback = aov.locator(".pm-feedback")
    expect = playwright_api.expect
    for typed, words in (
        ("1", "Far too low"),
        ("1.2 lakh", "Far too high"),
        ("4 s", "Could not read"),
    ):
        answer.fill(typed)
        aov.locator(".pm-check").click()
        expect(feedback).to_contain_text(words, timeout=30_000)
        assert "aov" not in feedback.inner_text()  # typed in the box: no code variable named
    monkeypatch.setenv("PM_TOOLKIT_HOME", str(lab["home"]))
    b = lesson("start_here", ctx=LearnerContext())["aov"]
    answer.fill(f"{b.exercise.reference_answer(b.ctx):.2f}")
    aov.locator(".pm-check").click()
    expect(feedback).to_contain_text("Correct", timeout=30_000)
    page.wait_for_timeout(500)
    statuses = check(page, "statusOf", "start_here.aov")
    assert len(statuses) >= 2 and set(statuses) == {"pm-outcome-correct"}  # widget and cell
    assert check(page, "oneStatus") == []


def test_lesson00_memo_and_options_in_dark_theme_and_at_1000px(lab, page):
    theme(page, "JupyterLab Dark")
    try:
        assert_none(learner_layout_checks(page))
        page.set_viewport_size(NARROW_VIEW)
        page.wait_for_timeout(500)
        assert check(page, "layout") + check(page, "memoUntouched") == []
    finally:
        page.set_viewport_size(DEFAULT_VIEW)
        theme(page, "JupyterLab Light")
    page.set_viewport_size(NARROW_VIEW)
    page.wait_for_timeout(500)
    assert check(page, "layout") == []
    page.set_viewport_size(DEFAULT_VIEW)


def test_lesson00_after_a_restart_widget_and_cells_agree(lab, page):
    for session in _api(lab["base"], lab["token"], "/api/sessions"):
        _api(lab["base"], lab["token"], f"/api/sessions/{session['id']}", method="DELETE")
    page.goto("about:blank")
    goto(page, lab, "lessons/00_start_here.ipynb")
    run_all(page)
    statuses = check(page, "statusOf", "start_here.aov")
    assert len(statuses) >= 2 and set(statuses) == {"pm-outcome-correct"}
    assert check(page, "oneStatus") == [] and check(page, "redBars") == []


# -- exercises 02 (a learner edition) -----------------------------------------------------------------
def test_exercises02_reads_well_in_both_themes(lab, page):
    open_tab(page, lab, "exercises/02_web_metrics.ipynb")
    run_all(page)
    assert check(page, "promptsWithCode") > 0
    assert_none(learner_layout_checks(page) + in_dark(page, "layout", "contrast"))
    memo = check(page, "memoUntouched")
    if page.locator(".pm-memo:visible").count() == 0:
        pytest.xfail("exercises 02 has no structured memo yet (its lesson helper adds one)")
    assert memo == []


# -- lessons 02, 04, 05: dashboards ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "lessons/02_web_metrics.ipynb",
        "lessons/04_experimentation.ipynb",
        "lessons/05_dynamic_pricing_case.ipynb",
    ],
)
def test_lesson_dashboards_fit_and_say_things_once(lab, page, path):
    open_tab(page, lab, path)
    run_all(page)
    problems = check(page, "redBars") + check(page, "dashboards") + check(page, "layout")
    assert_none(problems + in_dark(page, "dashboards", "layout"))
    if path.startswith("lessons/05"):
        # The capstone memo moves onto the Judgement kind in the lesson-05 rework; once it has,
        # it is checked like every memo (nothing pre-selected, no rubric before checking).
        if page.locator(".pm-memo:visible").count() == 0:
            pytest.xfail("lesson 05's memo is not on the structured Judgement kind yet")
        assert check(page, "memoUntouched") == []
        page.set_viewport_size(NARROW_VIEW)
        try:
            assert check(page, "layout") == []
        finally:
            page.set_viewport_size(DEFAULT_VIEW)
