"""A message's first person rewritten into its author's name, where that is safe."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.core.text import normalise_ws

_THIRD_PERSON = {
    "am": "is", "'m": "is", "’m": "is", "have": "has", "'ve": "has", "’ve": "has",
    "do": "does", "'ll": "will", "’ll": "will", "'d": "would", "’d": "would",
}
_AGREES_ANYWAY = {"MD", "VBD"}
"""Tags after which "I" can become a name unchanged: modals ("can", "will") and past tense."""
_POSSESSIVE = {"my", "mine"}
_SAME_PAST_AND_PRESENT = frozenset(
    "beat bet bid broadcast burst cast cost cut fit forecast hit hurt let put quit read rid set shed "
    "shut slit split spread thrust upset wet".split()
)
"""English verbs whose past tense is spelt like the present: "I read it" may be either, so no
"reads" is written for them (that would change the tense)."""
_ADDRESSEE = re.compile(r"^(?:you|your|yours|yourself|yourselves)$", re.IGNORECASE)
_QUOTE_MARK = re.compile(r"[\"“”‘]|(?<!\S)'(?=\w)")
"""An opening quotation mark (a closing ’ or ' may be an apostrophe: "the players’ room")."""


def third_person(author: str, tokens: Sequence[Any]) -> str | None:
    """Rewrite a message's first person singular into its author's name, or ``None`` when unsure.

    ``tokens`` are spaCy tokens of the message. "I'll bring cookies" by Amanda becomes
    "Amanda will bring cookies" and the tense is kept ("I bought" -> "Amanda bought"). The
    message is left as it is (``None``) for questions ("Am I late?"), "myself", verbs whose
    past and present look alike ("I read it"), text that addresses someone ("you") or quotes
    someone, and verb forms the agreement rules cannot handle.
    """
    if _unsafe_to_rewrite(tokens):
        return None
    out: list[str] = []
    changed = False
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.lower_ == "i" and tok.tag_ == "PRP":
            step = _rewritten_i(author, tokens, i)
            if step is None:
                return None
            pieces, i = step
            out += pieces
            changed = True
            continue
        if tok.lower_ == "myself":
            return None
        text = _rewritten_object(author, tok)
        changed = changed or text is not None
        out.append((tok.text if text is None else text) + tok.whitespace_)
        i += 1
    return normalise_ws("".join(out)) if changed else None


def _rewritten_object(author: str, tok: Any) -> str | None:
    """"my"/"mine" as the author's, "me" as the author; ``None`` for any other token."""
    if tok.lower_ in _POSSESSIVE and tok.tag_ in {"PRP$", "PRP"}:
        return author + "'s"
    if tok.lower_ == "me" and tok.tag_ == "PRP":
        return author
    return None


def _rewritten_i(author: str, tokens: Sequence[Any], i: int) -> tuple[list[str], int] | None:
    """The text that replaces the "I" at ``i`` (with the verb after it where the verb must agree)
    and the index after what it replaces; ``None`` when unsure."""
    tok = tokens[i]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if nxt is None or (i > 0 and tokens[i - 1].tag_ in {"MD", "VBP", "VBD", "VBZ"}):
        return None
    if (i > 0 and tokens[i - 1].lower_ in {"and", "or"}) or nxt.lower_ in {"and", "or"}:
        return [author + tok.whitespace_], i + 1  # "Tom and I are going": the verb agrees with the pair already
    adverb = nxt if nxt.tag_ == "RB" and nxt.lower_ not in {"n't", "not"} else None
    if adverb is not None and i + 2 < len(tokens):
        nxt = tokens[i + 2]  # "I also think" -> "Amanda also thinks"
    verb_at = i + (2 if adverb is not None else 1)
    if not (nxt.is_alpha or nxt.lower_ in _THIRD_PERSON):
        return None  # split contractions in the source ("I ' Ve"): no safe verb to agree
    if nxt.lower_ in _THIRD_PERSON or nxt.tag_ in {"VBP", "VB"}:
        verb = _rewritten_verb(nxt, tokens[verb_at + 1] if verb_at + 1 < len(tokens) else None)
        if verb is None:
            return None
        said = [adverb.text + adverb.whitespace_] if adverb is not None else []
        return [author + " ", *said, verb + nxt.whitespace_], verb_at + 1
    if nxt.tag_ not in _AGREES_ANYWAY:
        return None
    if adverb is not None:  # "I really can't" -> "Amanda really can't"
        return [author + " ", adverb.text + adverb.whitespace_], i + 2
    return [author + tok.whitespace_], i + 1


def _third_person_verb(word: str) -> str:
    """``want`` -> ``wants``, ``go`` -> ``goes``, ``try`` -> ``tries`` (regular present tense)."""
    lowered = word.lower()
    if lowered in _THIRD_PERSON:
        return _THIRD_PERSON[lowered]
    if re.search(r"(?:s|sh|ch|x|z|o)$", lowered):
        return word + "es"
    if re.search(r"[^aeiou]y$", lowered):
        return word[:-1] + "ies"
    return word + "s"


def _unsafe_to_rewrite(tokens: Sequence[Any]) -> bool:
    """Units where a third-person rewrite could mislead: they address someone ("you"), so the
    rewritten text would seem to speak to the reader, or they quote someone else."""
    text = "".join(t.text + t.whitespace_ for t in tokens)
    return bool(_QUOTE_MARK.search(text)) or any(_ADDRESSEE.match(t.text) for t in tokens)


def _rewritten_verb(verb: Any, after: Any | None) -> str | None:
    """The third-person form of the verb after "I", or ``None`` when its tense would be in doubt."""
    low = verb.lower_
    if low in {"'d", "’d"}:  # "I'd gone" is "had", "I'd go" is "would"; anything else: unsure
        if after is None or after.tag_ not in {"VBN", "VB"}:
            return None
        return "had" if after.tag_ == "VBN" else "would"
    if low in _THIRD_PERSON:
        return _THIRD_PERSON[low]
    if low in _SAME_PAST_AND_PRESENT:
        return None
    return _third_person_verb(verb.text)
