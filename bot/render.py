"""Pure renderers of a :class:`SummaryResult` for people on a terminal (text) or in Markdown."""

from __future__ import annotations

from bot.core.types import Priority, Quote, SummaryResult


def _quote_line(quote: Quote) -> str:
    text = f"“{quote.text}”" if quote.direct else quote.text
    return f"{text} — {quote.speaker}" if quote.speaker else text


def _priority_line(item: Priority) -> str:
    extras = [x for x in (item.owner and f"owner: {item.owner}", item.due and f"due: {item.due}") if x]
    return f"{item.text} ({'; '.join(extras)})" if extras else item.text


def _footer(result: SummaryResult) -> str:
    return f"{result.source} · {result.model} · {result.elapsed_ms:.0f} ms"


def render_text(result: SummaryResult) -> str:
    """Plain text for a terminal."""
    lines: list[str] = []
    title = result.title or ("Thread summary" if result.kind == "thread" else "Summary")
    lines += [title, "=" * min(len(title), 78), ""]
    if result.notices:
        lines += [*(f"Note: {n}" for n in result.notices), ""]
    lines += ["Summary", *(f"  {s}" for s in result.summary), ""]
    if result.quotes:
        lines += ["Key quotes", *(f"  - {_quote_line(q)}" for q in result.quotes), ""]
    if result.priorities:
        heading = "Action items" if result.kind == "thread" else "Priorities"
        lines += [heading, *(f"  {i}. {_priority_line(p)}" for i, p in enumerate(result.priorities, 1)), ""]
    if result.decisions:
        lines += ["Decisions", *(f"  - {d}" for d in result.decisions), ""]
    lines.append(_footer(result))
    return "\n".join(lines)


def render_markdown(result: SummaryResult) -> str:
    """GitHub-flavoured Markdown."""
    title = result.title or ("Thread summary" if result.kind == "thread" else "Summary")
    parts: list[str] = [f"## {title}", ""]
    if result.notices:
        parts += [*(f"> **Note:** {n}" for n in result.notices), ""]
    parts += [" ".join(result.summary), ""]
    if result.quotes:
        parts += ["**Key quotes**", "", *(f"- {_quote_line(q)}" for q in result.quotes), ""]
    if result.priorities:
        heading = "Action items" if result.kind == "thread" else "Priorities"
        parts += [f"**{heading}**", "", *(f"{i}. {_priority_line(p)}" for i, p in enumerate(result.priorities, 1)), ""]
    if result.decisions:
        parts += ["**Decisions**", "", *(f"- {d}" for d in result.decisions), ""]
    parts.append(f"_{_footer(result)}_")
    return "\n".join(parts)
