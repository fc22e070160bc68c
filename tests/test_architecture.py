"""Guards on the layering: the core is pure, and importing the package loads nothing heavy."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"

# The core turns text into structured results; it must never reach Slack, the network,
# the environment or the adapters that do.
FORBIDDEN_IN_CORE = (
    "slack_bolt", "slack_sdk", "httpx", "requests", "urllib", "http", "socket", "aiohttp",
    "trafilatura", "sqlalchemy", "apscheduler", "dotenv",
    "bot.slack", "bot.adapters", "bot.settings", "bot.cli", "tools",
)


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


# Slack's wire format: markup and message shapes, read by the Slack wing and by the export loader.
WIRE_FORMAT = ("bot.slack.formats.markup", "bot.slack.formats.shapes")

CORE_FILES = sorted((BOT / "core").rglob("*.py"))


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(BOT / "core")))
def test_core_imports_no_slack_http_or_adapters(path: Path) -> None:
    bad = [n for n in _imports(path) if any(n == f or n.startswith(f + ".") for f in FORBIDDEN_IN_CORE)]
    assert bad == [], f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(BOT / "core")))
def test_core_reads_no_environment(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert "os.environ" not in source and "getenv" not in source


def test_layers_point_one_way() -> None:
    """Adapters never import the Slack layer or the entry points: only Slack's wire format (a leaf)."""
    for path in sorted((BOT / "adapters").glob("*.py")):
        bad = [n for n in _imports(path) if n.startswith(("bot.slack", "bot.cli", "slack_bolt")) and n not in WIRE_FORMAT]
        assert bad == [], f"{path.name} imports {bad}"


def test_the_wire_format_is_a_leaf() -> None:
    """Markup and message shapes read Slack's data for the adapters too, so they import only the core."""
    for name in WIRE_FORMAT:
        path = BOT.parent / (name.replace(".", "/") + ".py")
        bad = [n for n in _imports(path) if n.startswith("bot.") and n not in WIRE_FORMAT and not n.startswith("bot.core")]
        assert bad == [], f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", sorted(BOT.rglob("*.py")), ids=lambda p: str(p.relative_to(BOT)))
def test_the_product_never_imports_the_dev_tools(path: Path) -> None:
    bad = [n for n in _imports(path) if n == "tools" or n.startswith(("tools.", "rouge_score", "tests"))]
    assert bad == [], f"{path.relative_to(BOT)} imports {bad}"


def test_importing_every_module_loads_no_model_or_network() -> None:
    modules = sorted(
        ".".join(p.relative_to(BOT.parent).with_suffix("").parts)
        for p in BOT.rglob("*.py")
        if p.name != "__main__.py"
    )
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "heavy = [m for m in ('torch', 'spacy', 'transformers') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", f"importing the package loaded {proc.stdout.strip()}"


def test_slack_markup_has_one_home() -> None:
    """Escaping, unescaping and markup parsing live in bot/slack/formats/markup.py only."""
    home = BOT / "slack" / "formats" / "markup.py"
    for path in sorted(BOT.rglob("*.py")):
        if path == home:
            continue
        source = path.read_text(encoding="utf-8")
        for copy in ('"&amp;"', "html.unescape", '.replace("<"', "unicodedata.category(ch) in"):
            assert copy not in source, f"{path.relative_to(BOT)} handles Slack markup itself ({copy})"


LISTENERS_MAY_IMPORT = (
    "bot.slack.deps", "bot.slack.jobs.spec", "bot.slack.formats", "bot.slack.listeners", "bot.core.clock",
    "bot.slack.digests.schedule",  # the wording of `digest status`, answered at once
    "bot.slack.storage.database",  # the widest id the store takes, checked before a request is stored
    "bot.slack.install.workspace",  # the workspace a request names, stored with its job
    "bot.core.thread.closing",  # whether a thread reply says "done", applied to the item store at once
)


@pytest.mark.parametrize("path", sorted((BOT / "slack" / "listeners").glob("*.py")), ids=lambda p: p.name)
def test_listeners_store_jobs_and_know_nothing_of_running_them(path: Path) -> None:
    ours = [n for n in _imports(path) if n.startswith("bot.")]
    bad = [n for n in ours if not any(n == a or n.startswith(a + ".") for a in LISTENERS_MAY_IMPORT)]
    assert bad == [], f"listeners/{path.name} imports {bad}"


def test_the_web_tier_never_imports_the_use_cases_or_the_summariser_pool() -> None:
    code = (
        "import sys\n"
        "import bot.slack.serve, bot.slack.runtime, bot.slack.app, bot.slack.listeners, bot.slack.jobs.runner\n"
        "print(sorted(m for m in ('bot.adapters.pool', 'bot.slack.usecases', 'bot.slack.digests.usecases',"
        " 'bot.slack.catchup.usecases', 'bot.core.pipeline') if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


TESTS = BOT.parent / "tests"


@pytest.mark.parametrize("path", sorted(TESTS.rglob("*.py")), ids=lambda p: str(p.relative_to(TESTS)))
def test_no_test_module_imports_another(path: Path) -> None:
    """Shared helpers live in tests/support/ (fixtures in a conftest.py), never in a test module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.append(node.module)
            imported += [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
    bad = [n for n in imported if n.startswith("tests") and n.rsplit(".", 1)[-1].startswith("test_")]
    assert bad == [], f"{path.relative_to(TESTS)} imports {bad}"


_SLACK_TOKENS = re.compile(r"<@|(?<!\(\?)<!(?!--)|\[UW\]|here\|channel\|everyone")  # not a lookbehind's "(?<!"


@pytest.mark.parametrize("path", sorted(BOT.rglob("*.py")), ids=lambda p: str(p.relative_to(BOT)))
def test_slack_markup_is_parsed_in_formats_markup_only(path: Path) -> None:
    """No regex outside formats/markup.py matches Slack's mentions, broadcasts or user ids."""
    name = str(path.relative_to(BOT))
    if name == "slack/formats/markup.py":
        return
    patterns = [
        node.args[0].value
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "compile"
        and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
    ]
    assert [p for p in patterns if _SLACK_TOKENS.search(p)] == []


@pytest.mark.parametrize("path", sorted(BOT.rglob("*.py")), ids=lambda p: str(p.relative_to(BOT)))
def test_spacy_types_have_one_home(path: Path) -> None:
    """spaCy's types come from core/spacy_types.py (checked by mypy), never an ``Any`` stand-in."""
    source = path.read_text(encoding="utf-8")
    assert re.search(r"^(Token|Doc|Span) = Any$", source, re.MULTILINE) is None


MAX_FUNCTION_LINES = 60


@pytest.mark.parametrize("path", sorted(BOT.rglob("*.py")), ids=lambda p: str(p.relative_to(BOT)))
def test_no_function_is_longer_than_60_lines(path: Path) -> None:
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []
