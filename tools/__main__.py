"""``python -m tools COMMAND``: one dispatcher for the development commands."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from bot.cli import configure_logging, use_bundled_models
from bot.settings import SettingsError, load_settings

# Scripts with their own argument parser: ``python -m tools NAME ARGS`` calls ``tools.MODULE.main(ARGS)``.
SCRIPTS: dict[str, tuple[str, str]] = {
    "eval-quotes": ("eval_quotes", "quote extraction and attribution on PolNeAR-shaped JSONL"),
    "eval-actions": ("eval_actions", "decisions and action items on AMI and the extraction dev set"),
    "eval-devset": ("eval_devset", "decisions and priorities on the extraction dev set"),
    "eval-threads": ("eval_threads", "work-thread figures (score.py) on annotated thread folders"),
    "train-scorer": ("train_scorer", "train bot/resources/scorer.npz on ../shared/train"),
    "train-units": ("train_units", "train bot/resources/units.npz on AMI train"),
    "tune-units": ("tune_units", "tune the unit classifier thresholds on AMI validation"),
    "polnear-jsonl": ("polnear_jsonl", "convert a PolNeAR split to JSONL"),
}


def build_parser() -> argparse.ArgumentParser:
    """The parser of the commands that share the bot's settings and logging."""
    from tools import bench, bench_slack
    from tools import eval as eval_tool

    parser = argparse.ArgumentParser(prog="python -m tools", description="Development commands of the summariser.")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log progress (-v: info, -vv: debug)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    eval_tool.add_arguments(sub.add_parser("eval", help="ROUGE and quote-attribution scores on the evaluation sets"))
    bench.add_arguments(sub.add_parser("bench", help="latency, cold start and memory of the summariser"))
    bench_slack.add_arguments(sub.add_parser("bench-slack", help="ack and reply latency of the Slack app"))
    for name, (_, help_text) in SCRIPTS.items():
        sub.add_parser(name, help=f"{help_text} (python -m tools {name} --help)", add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one development command; returns its exit code."""
    use_bundled_models()
    args_in = list(sys.argv[1:] if argv is None else argv)
    if args_in and args_in[0] in SCRIPTS:
        return _run_script(args_in[0], args_in[1:])
    try:
        args = build_parser().parse_args(args_in)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"python -m tools: configuration error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings, args.command, args.verbose)
    if args.command == "bench-slack":
        from tools import bench_slack

        return bench_slack.run(args)
    if args.command == "eval":
        from bot.adapters.models import load_summariser
        from tools import eval as eval_tool

        return eval_tool.run(args, load_summariser(settings))
    from tools import bench

    return bench.run(args, settings)


def _run_script(name: str, argv: list[str]) -> int:
    """``tools.MODULE.main(argv)``, its usage line naming the command as typed."""
    module = importlib.import_module(f"tools.{SCRIPTS[name][0]}")
    program, sys.argv[0] = sys.argv[0], f"python -m tools {name}"
    try:
        return int(module.main(argv) or 0)
    finally:
        sys.argv[0] = program


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
