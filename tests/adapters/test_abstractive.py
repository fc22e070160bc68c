"""The seq2seq adapter with a tiny, randomly initialised BART built and saved by the test itself."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from bot.adapters.abstractive import Seq2SeqAbstractor, chunk_token_ids, split_sentences
from bot.core.errors import ModelError

CORPUS = [
    "The council approved the new harbour plan on Monday.",
    "The ferry will run again from May and tickets stay cheap.",
    "Officials said the shipyard will hire three hundred workers.",
    "Local leaders welcomed the news and promised training programmes.",
]
MAX_INPUT = 32


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A word-level tokenizer and a 1-layer BART with d_model=16, saved like a hub model."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers, processors, trainers
    from transformers import BartConfig, BartForConditionalGeneration, PreTrainedTokenizerFast

    specials = ["<pad>", "<s>", "</s>", "<unk>"]
    raw = Tokenizer(models.WordLevel(unk_token="<unk>"))
    raw.pre_tokenizer = pre_tokenizers.Whitespace()
    raw.train_from_iterator(CORPUS, trainers.WordLevelTrainer(special_tokens=specials))
    raw.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", 1), ("</s>", 2)]
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=raw,
        pad_token="<pad>",
        bos_token="<s>",
        eos_token="</s>",
        unk_token="<unk>",
        model_max_length=MAX_INPUT,
    )
    config = BartConfig(
        vocab_size=raw.get_vocab_size(),
        d_model=16,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=32,
        decoder_ffn_dim=32,
        max_position_embeddings=64,
        pad_token_id=0,
        bos_token_id=1,
        eos_token_id=2,
        decoder_start_token_id=2,
        forced_bos_token_id=None,  # type: ignore[call-arg]  # a generation setting BartConfig takes through **kwargs
        forced_eos_token_id=None,
    )
    torch.manual_seed(0)
    model = BartForConditionalGeneration(config)
    folder = tmp_path_factory.mktemp("tiny-bart")
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="module")
def abstractor(tiny_model_dir: Path) -> Seq2SeqAbstractor:
    return Seq2SeqAbstractor.load(str(tiny_model_dir), max_summary_tokens=8)


def test_loads_from_folder_with_the_tokenizer_limit(abstractor: Seq2SeqAbstractor, tiny_model_dir: Path) -> None:
    assert abstractor.name == tiny_model_dir.name
    assert abstractor.max_input_tokens == MAX_INPUT  # tokenizer (32) is stricter than the model (64)
    assert abstractor.chunk_tokens == MAX_INPUT - 2  # <s> and </s> take two places


def test_max_input_tokens_override(tiny_model_dir: Path) -> None:
    assert Seq2SeqAbstractor.load(str(tiny_model_dir), max_input_tokens=16).max_input_tokens == 16


def test_summarise_returns_strings(abstractor: Seq2SeqAbstractor) -> None:
    result = abstractor.summarise(" ".join(CORPUS))
    assert isinstance(result, list)
    assert all(isinstance(s, str) and s.strip() for s in result)


def test_summarise_empty_text(abstractor: Seq2SeqAbstractor) -> None:
    assert abstractor.summarise("") == []


def test_long_input_is_chunked_within_the_limit(abstractor: Seq2SeqAbstractor, monkeypatch: pytest.MonkeyPatch) -> None:
    long_text = " ".join(CORPUS * 6)  # about 250 words, far past 32 tokens
    chunks = abstractor.chunks(long_text)
    assert len(chunks) > 5
    assert all(len(chunk) <= abstractor.chunk_tokens for chunk in chunks)
    total = len(abstractor.tokenizer(long_text, add_special_tokens=False)["input_ids"])
    assert sum(len(c) for c in chunks) - abstractor.overlap * (len(chunks) - 1) == total

    shapes: list[tuple[int, int]] = []
    real_generate = abstractor.model.generate

    def spy(**kwargs: object) -> object:
        shapes.append(tuple(kwargs["input_ids"].shape))  # type: ignore[attr-defined]
        return real_generate(**kwargs)

    monkeypatch.setattr(abstractor.model, "generate", spy)
    assert isinstance(abstractor.summarise(long_text), list)
    first_pass = -(-len(chunks) // 4)  # four chunks per generate call
    assert sum(rows for rows, _ in shapes[:first_pass]) == len(chunks)
    assert all(width <= abstractor.max_input_tokens for _, width in shapes)


@pytest.mark.parametrize(
    ("n_tokens", "size", "overlap", "expected_sizes"),
    [
        (0, 10, 2, []),
        (5, 10, 2, [5]),
        (10, 10, 2, [10]),
        (11, 10, 2, [10, 3]),
        (26, 10, 2, [10, 10, 10]),
        (1000, 100, 10, [100] * 11),
        (25, 10, 0, [10, 10, 5]),
    ],
)
def test_chunk_token_ids(n_tokens: int, size: int, overlap: int, expected_sizes: list[int]) -> None:
    ids = list(range(n_tokens))
    chunks = chunk_token_ids(ids, size, overlap)
    assert [len(c) for c in chunks] == expected_sizes
    for previous, current in itertools.pairwise(chunks):
        assert previous[-overlap:] == current[:overlap] if overlap else previous[-1] + 1 == current[0]
    if chunks:
        assert chunks[0][0] == 0 and chunks[-1][-1] == n_tokens - 1


@pytest.mark.parametrize(("size", "overlap"), [(0, 0), (10, 10), (10, -1)])
def test_chunk_token_ids_rejects_bad_sizes(size: int, overlap: int) -> None:
    with pytest.raises(ValueError, match="size|overlap"):
        chunk_token_ids([1, 2, 3], size, overlap)


@pytest.mark.parametrize(
    "name",
    ["/no/such/model/folder", "./missing-model", "no-such-org/no-such-model-xyz"],
)
def test_missing_model_raises_model_error(name: str) -> None:
    with pytest.raises(ModelError, match="summary model"):
        Seq2SeqAbstractor.load(name)


def test_folder_without_a_model_raises_model_error(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("not a model", encoding="utf-8")
    with pytest.raises(ModelError, match="Could not load the summary model"):
        Seq2SeqAbstractor.load(str(tmp_path))


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("One. Two! Three?", ["One.", "Two!", "Three?"]),
        ("Costs rose 3.5 percent. Then fell.", ["Costs rose 3.5 percent.", "Then fell."]),
        ('He said "go." Then left.', ['He said "go."', "Then left."]),
        ("no capital after. so one sentence", ["no capital after. so one sentence"]),
        ("", []),
    ],
)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences
