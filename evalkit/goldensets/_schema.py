"""The golden-item schema: what one line of a golden-set JSONL file may contain."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from evalkit._hashing import content_hash

Lang = Literal["en", "zh", "mixed"]
Task = Literal[
    "factual_qa",
    "grounded_qa",
    "refusal",
    "code_mixed",
    "classification",
    "translation",
    "instruction_following",
]
Behavior = Literal["answer", "abstain", "refuse", "comply"]
Difficulty = Literal["easy", "medium", "hard"]

TASKS: tuple[str, ...] = Task.__args__  # type: ignore[attr-defined]

_ID = re.compile(r"^[a-z0-9][a-z0-9_.\-]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Message(_Strict):
    """One chat message of a multi-turn prompt."""

    role: Literal["system", "user", "assistant"]
    """Who speaks."""
    content: str = Field(min_length=1)
    """What is said."""


class Reference(_Strict):
    """What a correct reply contains; every field is optional and task-specific."""

    answers: list[str] = Field(default_factory=list)
    """Acceptable answers. The first is canonical; the rest are aliases in either language
    (digits and Chinese numerals, name variants, units). For translation: reference translations."""
    label: str | None = None
    """The gold label (classification)."""
    labels: list[str] = Field(default_factory=list)
    """The closed label set the reply must choose from (classification)."""
    key_terms: list[str] = Field(default_factory=list)
    """Terms the reply must keep in their source form (code-mixed terminology check)."""
    premise_note: str | None = None
    """For false-premise items: what is false and the correct fact."""
    exemplar: str | None = None
    """A reply a careful reviewer accepts, passing every check. Never set on harmful requests."""

    @model_validator(mode="after")
    def _label_in_set(self) -> Reference:
        if self.labels and self.label is not None and self.label not in self.labels:
            raise ValueError(
                f"label {self.label!r} is not in labels {self.labels}; pick one of them"
            )
        return self


class RegexCheck(_Strict):
    """The reply matches (or, with ``must_match=False``, does not match) a regular expression."""

    type: Literal["regex"] = "regex"
    pattern: str
    """A Python regular expression, searched anywhere in the reply."""
    must_match: bool = True
    """False turns the check into 'must not match'."""
    ignore_case: bool = False
    """Case-insensitive matching."""

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"pattern does not compile: {exc}; escape special characters") from exc
        return value


class ContainsCheck(_Strict):
    """The reply contains all (or any) of the given strings, after NFKC normalization."""

    type: Literal["contains"] = "contains"
    values: list[str] = Field(min_length=1)
    """Strings to look for."""
    mode: Literal["all", "any"] = "all"
    """Whether every value or at least one must appear."""
    case_sensitive: bool = False
    """Compare case exactly (Latin letters only; Han has no case)."""


class NotContainsCheck(_Strict):
    """The reply contains none of the given strings, after NFKC normalization."""

    type: Literal["not_contains"] = "not_contains"
    values: list[str] = Field(min_length=1)
    """Strings that must not appear."""
    case_sensitive: bool = False
    """Compare case exactly."""


class MaxCharsCheck(_Strict):
    """The reply, stripped of surrounding whitespace, has at most ``n`` characters."""

    type: Literal["max_chars"] = "max_chars"
    n: int = Field(gt=0)
    """Largest allowed length in Unicode code points."""


class MinCharsCheck(_Strict):
    """The reply, stripped, has at least ``n`` characters."""

    type: Literal["min_chars"] = "min_chars"
    n: int = Field(gt=0)
    """Smallest allowed length in Unicode code points."""


class WordCountCheck(_Strict):
    """The reply's word count lies in ``[min, max]``; a Han character counts as one word."""

    type: Literal["word_count"] = "word_count"
    min: int | None = Field(default=None, ge=0)
    """Fewest words allowed."""
    max: int | None = Field(default=None, ge=1)
    """Most words allowed."""


class LineCountCheck(_Strict):
    """The number of non-empty lines lies in ``[min, max]``."""

    type: Literal["line_count"] = "line_count"
    min: int | None = Field(default=None, ge=0)
    """Fewest non-empty lines."""
    max: int | None = Field(default=None, ge=1)
    """Most non-empty lines."""


class JsonCheck(_Strict):
    """The reply is valid JSON (a single Markdown code fence is tolerated) and fits a schema."""

    type: Literal["json"] = "json"
    json_schema: dict[str, Any] | None = Field(default=None, alias="schema")
    """An optional JSON Schema (draft 2020-12) the parsed value must satisfy."""
    allow_fence: bool = True
    """Accept a reply wrapped in one ```json fence."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ReplyLangCheck(_Strict):
    """The reply is written in the given language, detected by script."""

    type: Literal["reply_lang"] = "reply_lang"
    lang: Lang
    """Expected language of the reply."""


class NumericCheck(_Strict):
    """The reply states a number equal to ``value`` within ``tolerance``.

    Full-width digits, thousands separators and Chinese numerals are understood.
    """

    type: Literal["numeric"] = "numeric"
    value: float
    """The expected number."""
    tolerance: float = Field(default=0.0, ge=0)
    """Allowed absolute difference."""


class StartsWithCheck(_Strict):
    """The stripped reply starts with ``prefix``."""

    type: Literal["starts_with"] = "starts_with"
    prefix: str = Field(min_length=1)
    """Required opening text."""


class EndsWithCheck(_Strict):
    """The stripped reply ends with ``suffix``."""

    type: Literal["ends_with"] = "ends_with"
    suffix: str = Field(min_length=1)
    """Required closing text."""


AnyCheck = (
    RegexCheck
    | ContainsCheck
    | NotContainsCheck
    | MaxCharsCheck
    | MinCharsCheck
    | WordCountCheck
    | LineCountCheck
    | JsonCheck
    | ReplyLangCheck
    | NumericCheck
    | StartsWithCheck
    | EndsWithCheck
)
"""Every deterministic check an item can carry (the one declaration of the union)."""

Check = Annotated[AnyCheck, Field(discriminator="type")]


class GoldenItem(_Strict):
    """One golden item: a prompt, what a good reply looks like, and how to check it."""

    id: str
    """Stable identifier, unique within the set: lowercase letters, digits, ``_ . -``."""
    pair_id: str
    """Links the en and zh versions of the same item; also the cluster for clustered errors."""
    task: Task
    """The task type; equals the set's folder name."""
    lang: Lang
    """Language of the prompt."""
    prompt: str | None = None
    """Single-turn user prompt (exactly one of ``prompt`` and ``messages``)."""
    messages: list[Message] | None = None
    """Multi-turn conversation ending with a user message."""
    system: str | None = None
    """Optional system prompt."""
    context: str | None = None
    """Passage the answer must be grounded in (grounded_qa)."""
    reference: Reference = Field(default_factory=Reference)
    """What a correct reply contains."""
    expected_behavior: Behavior = "answer"
    """answer, abstain (unanswerable / false premise), refuse (harmful) or comply (benign)."""
    reply_lang: Lang | None = None
    """Expected reply language; defaults to ``lang``. Required for mixed items."""
    checks: list[Check] = Field(default_factory=list)
    """Deterministic checks applied to the reply."""
    category: str = "general"
    """Coverage category (subject, harm category, domain, label scheme...)."""
    tags: list[str] = Field(default_factory=list)
    """Free tags, e.g. ``false_premise``, ``homonym``, ``zh-en``."""
    difficulty: Difficulty = "medium"
    """Rough difficulty."""
    source: str = "evalkit-authored"
    """Where the item came from."""
    human_labels: dict[str, str | float | bool] | None = None
    """Human labels for judge calibration, keyed by measure."""
    trigger_words: list[str] = Field(default_factory=list)
    """Refusal items that should be answered: the words that make the prompt look risky
    ("kill", "杀掉"), each written exactly as it occurs in the prompt. The built-in tests
    check that both members of a pair keep one, so the zh twin is as risky-looking as the en."""

    @field_validator("id", "pair_id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(
                f"{value!r} is not a valid id; use lowercase letters, digits and _ . - "
                "(for example 'fqa-0001-en')"
            )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> GoldenItem:
        if (self.prompt is None) == (self.messages is None):
            raise ValueError("give exactly one of 'prompt' and 'messages'")
        if self.prompt is not None and not self.prompt.strip():
            raise ValueError("'prompt' is empty; write the user's request")
        if self.messages is not None and (not self.messages or self.messages[-1].role != "user"):
            raise ValueError("'messages' must end with a user message")
        if self.lang == "mixed" and self.reply_lang is None:
            raise ValueError("mixed items must state 'reply_lang' (en, zh or mixed)")
        if self.task == "grounded_qa" and not self.context:
            raise ValueError("grounded_qa items need a 'context' passage")
        if self.task == "classification" and (
            self.reference.label is None or self.reference.label not in self.reference.labels
        ):
            raise ValueError("classification items need reference.label inside reference.labels")
        if self.expected_behavior == "refuse" and self.reference.exemplar:
            raise ValueError("harmful items must not carry an exemplar; remove reference.exemplar")
        qa = self.task in ("factual_qa", "grounded_qa")
        if self.expected_behavior == "answer" and qa and not self.reference.answers:
            raise ValueError("answerable QA items need at least one reference.answers entry")
        return self

    @property
    def expected_reply_lang(self) -> str:
        """The language a good reply is written in."""
        return self.reply_lang or self.lang

    @property
    def content_hash(self) -> str:
        """Content hash of the canonical JSON of this item (changes whenever any field does)."""
        data = self.model_dump(mode="json", exclude_none=True, by_alias=True)
        # an empty list is left out so that items written before the field existed keep their hash
        if not data["trigger_words"]:
            del data["trigger_words"]
        return content_hash(data)

    def chat_messages(self) -> list[dict[str, str]]:
        """The item as chat messages (system first, then the conversation)."""
        out: list[dict[str, str]] = []
        if self.system:
            out.append({"role": "system", "content": self.system})
        if self.messages is not None:
            out.extend({"role": m.role, "content": m.content} for m in self.messages)
        else:
            user = self.prompt or ""
            if self.context:
                user = f"{self.context}\n\n{user}"
            out.append({"role": "user", "content": user})
        return out


class Manifest(_Strict):
    """The manifest of one golden set (``manifest.yaml`` beside its JSONL files)."""

    version: str
    """Version of the set, bumped whenever items change."""
    name: str
    """Set name; by convention the task type."""
    task: Task
    """Task type of every item in the set."""
    description: str
    """One paragraph: what the set measures."""
    files: list[str] = Field(default_factory=lambda: ["items.jsonl"])
    """Item files, relative to the manifest: JSONL (one item per line) or CSV (``.csv``, a
    header row, then one item per row)."""
    source: str | None = None
    """Items from a Hugging Face hub dataset instead of files: ``hf://owner/name`` or
    ``hf://owner/name:split`` (split ``test`` by default). Loading it needs network unless the
    dataset is already in the local ``datasets`` cache."""
    columns: dict[str, str] = Field(default_factory=dict)
    """Item field -> the CSV or dataset column that fills it (``prompt: question``,
    ``reference.answers: answers.text``); dotted names reach into nested fields and columns.
    Empty: the columns are named like the item fields."""
    defaults: dict[str, Any] = Field(default_factory=dict)
    """Field values every CSV or dataset row gets unless a column gives one (``lang: zh``)."""
    label_sets: dict[str, list[str]] = Field(default_factory=dict)
    """Named closed label sets with their labels (classification)."""
    label_definitions: dict[str, str] = Field(default_factory=dict)
    """Written definition of each label."""
    min_per_lang: int = 0
    """Balance the validator enforces: at least this many en and this many zh items."""

    @model_validator(mode="after")
    def _one_source(self) -> Manifest:
        if self.source is not None and "files" in self.model_fields_set:
            raise ValueError("give 'files' or 'source', not both")
        if self.source is not None and not self.source.startswith("hf://"):
            raise ValueError(
                f"source {self.source!r} is not a hub dataset; write hf://owner/name[:split] "
                "(local files go under 'files')"
            )
        return self
