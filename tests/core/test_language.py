"""Documents the English models cannot read: detected, said in one line, not summarised into garbage."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bot.adapters.language import FastTextLanguageIdentifier
from bot.core import language as lang
from bot.core.documents import build_document
from bot.core.pipeline import Summariser
from bot.core.types import Document, Message

# -- the pooling, with a stand-in identifier ----------------------------------------------


class WordListIdentifier:
    """Calls a text German when most of its words are in a small German word list."""

    name = "word list"
    GERMAN = frozenset("der die das und ist wir haben nicht bitte kannst du bis ich schaue es mir an".split())

    def identify(self, text: str) -> list[tuple[str, float]]:
        words = text.lower().split()
        if not words:
            return []
        share = sum(w.strip(".,!?") in self.GERMAN for w in words) / len(words)
        return [("de", share), ("en", 1 - share)] if share >= 0.5 else [("en", 1 - share), ("de", share)]

    def language_name(self, code: str) -> str:
        return {"de": "German", "en": "English"}[code]


def _thread(*texts: str) -> Document:
    return Document("thread", "\n".join(texts), "t", messages=tuple(Message("A", t) for t in texts))


@pytest.mark.parametrize(
    ("texts", "foreign"),
    [
        (["kannst du bitte bis morgen das fixen", "ich schaue es mir an", "danke"], True),
        (["can you fix the build by tomorrow", "I'll take a look after lunch", "danke"], False),
        (["ok passt"], False),  # too little text to call it foreign
        (["can you fix the build", "ich schaue es mir an und ist das nicht"], False),  # English holds too much
        ([], False),
    ],
)
def test_pooled_verdict(texts: Sequence[str], foreign: bool) -> None:
    verdict = lang.read_language(texts, WordListIdentifier())
    assert (verdict is not None) is foreign
    if verdict is not None:
        assert (verdict.code, verdict.name) == ("de", "German")


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("PR: https://github.com/acme/api/pull/88 lgtm", "PR: lgtm"),
        ("run `make test` and ping @jonas in #deploys", "run and ping in"),
        ("José and Søren are out until Montag", "José and are out until"),
        ("ruff 0.6 complains about bot/core/x.py", "ruff complains about"),
        ("<@U123|ana> can you look at :fire: this", "can you look at this"),
    ],
)
def test_masking_keeps_only_words_that_tell_the_language(text: str, masked: str) -> None:
    assert lang.mask(text) == masked


def test_segments_are_messages_or_paragraphs_and_bounded() -> None:
    doc = build_document("Title line\n\nFirst paragraph here.\n\nSecond one.", "x", kind="article")
    assert lang.segments(doc) == ["Title line", "First paragraph here.", "Second one."]
    many = _thread(*(f"message {k}" for k in range(500)))
    assert len(lang.segments(many)) == lang.MAX_SEGMENTS


def test_opening_lines_are_verbatim_and_short() -> None:
    thread = _thread("Hallo zusammen.", "Der Build ist rot. Kann sich das jemand anschauen? Danke euch allen.")
    assert lang.opening_lines(thread) == [
        "A: Hallo zusammen.", "A: Der Build ist rot. Kann sich das jemand anschauen? Danke euch allen."]
    long = "Der Stadtrat hat heute beschlossen " + " ".join(["und"] * 80) + "."
    article = build_document(f"Titel der Meldung\n\n{long}\n\nZweiter Absatz.", "x", kind="article")
    (line,) = lang.opening_lines(article)
    assert line.endswith("\u2026") and len(line.split()) <= lang.OPENING_WORDS
    assert long.startswith(line.removesuffix("\u2026"))


def test_notice_is_one_line_naming_the_language() -> None:
    text = lang.notice(lang.Verdict("fr", "French", 0.9), "thread")
    assert text.startswith("This thread looks like French.") and "\n" not in text
    assert "action items" in text and "decisions" in text


# -- the bundled fastText model -----------------------------------------------------------

FOREIGN = {
    "de": """[09:00] Katrin Vogel: Guten Morgen! Kurzes Update zum Sprint: das Login-Feature ist fertig, die Tests laufen noch.
[09:02] Felix Brandt: Bei mir hängt das Deployment auf Staging, der Container startet nicht.
[09:03] Katrin Vogel: Hast du die Logs schon angeschaut?
[09:05] Felix Brandt: Ja, es fehlt eine Umgebungsvariable. Ich kümmere mich darum bis morgen.
[09:06] Anja Roth: ok 👍""",
    "de-tech": """[16:00] Lena Krüger: Der PR für das Caching ist ready for review: https://github.com/acme/shop/pull/512
[16:02] Tim Schulz: Ich schau's mir gleich an. Nutzen wir Redis oder Memcached?
[16:03] Lena Krüger: Redis, weil wir es schon für die Sessions haben. `CACHE_TTL` steht auf 300.
[16:10] Tim Schulz: lgtm, nur ein Kommentar zu den Tests
[16:11] Lena Krüger: Danke, fixe ich morgen früh.""",
    "es": """[14:10] Lucía Romero: El servicio de pagos está caído desde las 14:00, los clientes no pueden pagar.
[14:11] Diego Herrera: Lo estoy mirando, parece un problema con el certificado SSL.
[14:15] Lucía Romero: ¿Cuánto tardas en arreglarlo? Tenemos que avisar a soporte.
[14:40] Diego Herrera: Listo, ya funciona. Mañana escribo el informe del incidente.""",
    "es-lowercase": """[10:00] pablo: alguien sabe si el deploy de hoy sigue en pie?
[10:01] marta: si, a las 5
[10:01] pablo: vale, entonces congelo la rama a las 4
[10:02] marta: perfecto, gracias""",
    "fr": """Claire Martin: Bonjour à tous, il faut choisir le prestataire pour la traduction du site avant vendredi.
Hugo Petit: Je préfère Lingua Pro, ils sont moins chers et plus rapides.
Claire Martin: D'accord, on part sur Lingua Pro alors. Hugo, tu peux leur envoyer le contrat ?
Hugo Petit: Oui, je m'en occupe cet après-midi.""",
    "fr-article": """La mairie lance un nouveau plan vélo

La ville a présenté mardi un plan de 12 millions d'euros pour développer les pistes cyclables d'ici 2027. Le maire a déclaré que « le vélo doit devenir le premier moyen de transport en centre-ville ».

Les commerçants craignent une baisse de la fréquentation pendant les travaux.""",
    "de-article": """Neue Regeln für das Homeoffice

Ab Januar dürfen alle Mitarbeitenden bis zu drei Tage pro Woche von zu Hause arbeiten. Die Geschäftsführung begründet die Entscheidung mit den guten Erfahrungen der letzten zwei Jahre.

Der Betriebsrat begrüßt die Regelung, fordert aber einen Zuschuss für die Ausstattung.""",
    "es-article": """El ayuntamiento aprueba el nuevo plan de movilidad

El pleno aprobó ayer el plan de movilidad urbana para los próximos cinco años. El plan prevé ampliar la red de carriles bici en 40 kilómetros y reducir el tráfico en el centro histórico.""",
    "it": """[10:00] Marco Bianchi: Ragazzi, la riunione di domani è spostata alle 15.
[10:01] Giulia Conti: Va bene, grazie per l'avviso.
[10:02] Paolo Rossi: perfetto""",
    "pl": """[13:00] Kasia Nowak: Cześć, czy ktoś może sprawdzić, dlaczego testy nie przechodzą na gałęzi main?
[13:05] Tomek Zieliński: Sprawdzę po obiedzie, pewnie to ten nowy moduł płatności.
[13:06] Kasia Nowak: Dzięki!""",
}

ENGLISH = {
    "a German thanks": """[09:02] Jonas Weber: Morning all, main is red since this morning. Can someone take a look?
[09:05] Lea Hoffmann: On it, looks like the new linter.
[09:07] Jonas Weber: Danke! We have to release by Thursday, so please prioritise.
[09:21] Max Braun: lgtm""",
    "names with accents": """[10:00] Zoë Dupont-Lefèvre: Björn Åström and Søren Kierkegaard-Nielsen join the Växjö office on Monday.
[10:02] Rafał Wiśniewski: Great, I'll set up their laptops. José from IT has the list.
[10:03] Zoë Dupont-Lefèvre: thanks Rafał!""",
    "code and logs": """[15:00] Dev Patel: deploy failed again:
[15:00] Dev Patel: `Error: ECONNREFUSED 10.0.3.12:5432 at Pool._connect (node_modules/pg-pool/index.js:45)`
[15:02] Sam Ortiz: db is down? check `kubectl get pods -n prod | grep pg`
[15:03] Dev Patel: yep pg-0 CrashLoopBackOff, restarting""",
    "one Spanish reply": """[09:00] Priya Shah: Kickoff for the Madrid launch is at 10.
[09:01] Carlos Ruiz: Perfecto, nos vemos allí.
[09:02] Priya Shah: Please bring the budget numbers and the vendor shortlist, Carlos.
[09:03] Carlos Ruiz: Will do, I'll also bring the draft press release for the local media.""",
    "French phrases": """[12:00] Amélie Laurent: The offsite is at Le Petit Bistro in Lyon, déjà vu from last year!
[12:01] Tom Becker: Haha, c'est la vie. Who books the train tickets?
[12:02] Amélie Laurent: I will, by Friday.""",
    "shorthand": """[17:00] ken: ptal https://github.com/acme/api/pull/9001
[17:05] ana: lgtm, ship it
[17:06] ken: ty, merging eod""",
    "slang": "Susie: im coming please wait!\nSue: okay\nSusie: thx!",
}


@pytest.fixture(scope="module")
def identifier() -> FastTextLanguageIdentifier:
    return FastTextLanguageIdentifier.load()


@pytest.mark.parametrize("name", sorted(FOREIGN))
def test_non_english_threads_and_articles_are_detected(identifier: FastTextLanguageIdentifier, name: str) -> None:
    doc = build_document(FOREIGN[name], name)
    verdict = lang.read_language(lang.segments(doc), identifier)
    assert verdict is not None and verdict.code == name.split("-")[0]


@pytest.mark.parametrize("name", sorted(ENGLISH))
def test_english_with_foreign_words_names_or_code_stays_english(identifier: FastTextLanguageIdentifier, name: str) -> None:
    doc = build_document(ENGLISH[name], name)
    assert lang.read_language(lang.segments(doc), identifier) is None


def test_adapter_names_languages_and_reads_whole_texts(identifier: FastTextLanguageIdentifier) -> None:
    assert identifier.language_name("de") == "German" and identifier.language_name("es") == "Spanish"
    long = "the build is red again " * 10 + " ".join(["der Build ist wieder kaputt und niemand weiß warum"] * 10)
    assert identifier.identify(long)[0][0] == "de"  # past the library's default 80-character cut


# -- through the pipeline and into the reply ----------------------------------------------


def test_a_german_thread_gets_a_notice_and_its_opening_lines(summariser: Summariser) -> None:
    doc = build_document(FOREIGN["de"], "standup")
    result = summariser.summarise(doc)
    assert result.kind == "thread"
    assert result.notices[0].startswith("This thread looks like German.")
    assert result.summary == ["Katrin Vogel: Guten Morgen! Kurzes Update zum Sprint: das Login-Feature ist fertig, "
                              "die Tests laufen noch."]
    assert (result.priorities, result.decisions, result.quotes) == ([], [], [])


def test_a_spanish_article_keeps_its_title_and_first_sentences(summariser: Summariser) -> None:
    doc = build_document(FOREIGN["es-article"], "es")
    result = summariser.summarise(doc)
    assert result.title == "El ayuntamiento aprueba el nuevo plan de movilidad"
    assert result.summary[0] == "El pleno aprobó ayer el plan de movilidad urbana para los próximos cinco años."
    assert result.notices == ["This text looks like Spanish. I can only read English, so here are its opening lines, "
                              "without key quotes, action items or decisions."]
    assert result.priorities == [] and result.quotes == []


def test_an_english_thread_with_a_german_thanks_is_summarised_as_usual(summariser: Summariser) -> None:
    result = summariser.summarise(build_document(ENGLISH["a German thanks"], "t"))
    assert result.notices == [] and result.model.startswith("all-MiniLM")


def test_the_slack_reply_shows_the_notice_line(summariser: Summariser) -> None:
    from bot.slack.formats.blocks import summary_blocks

    result = summariser.summarise(build_document(FOREIGN["fr"], "fr"))
    texts = [str(block) for block in summary_blocks(result)]
    assert any("This thread looks like French." in t for t in texts)
    assert any("Bonjour à tous" in t for t in texts)
    assert not any("Priorities" in t or "Decisions" in t for t in texts)
