import pytest
from pydantic import TypeAdapter

from evalkit.goldensets import GoldenItem
from evalkit.goldensets._schema import Check
from evalkit.metrics import checks_pass, run_check, run_checks, word_count

_CHECK = TypeAdapter(Check)


def check(**fields):
    return _CHECK.validate_python(fields)


def item(*checks):
    return GoldenItem(
        id="if-1",
        pair_id="if",
        task="instruction_following",
        lang="zh",
        prompt="写",
        checks=list(checks),
    )


SCHEMA = {"type": "object", "required": ["label"], "properties": {"label": {"type": "string"}}}

CASES = [
    # regex
    ({"type": "regex", "pattern": r"\d{4}年"}, "他生于1969年。", True),
    ({"type": "regex", "pattern": r"\d{4}年"}, "他生于去年。", False),
    ({"type": "regex", "pattern": "hello"}, "HELLO world", False),
    ({"type": "regex", "pattern": "hello", "ignore_case": True}, "HELLO world", True),
    ({"type": "regex", "pattern": "抱歉", "must_match": False}, "好的，答案是42。", True),
    ({"type": "regex", "pattern": "抱歉", "must_match": False}, "抱歉，我不知道。", False),
    # contains
    ({"type": "contains", "values": ["Redis", "连接池"]}, "检查 redis 的连接池", True),
    ({"type": "contains", "values": ["Redis", "连接池"]}, "检查 Redis 配置", False),
    ({"type": "contains", "values": ["Redis"], "case_sensitive": True}, "检查 redis", False),
    ({"type": "contains", "values": ["Redis"]}, "检查 Ｒｅｄｉｓ", True),
    ({"type": "contains", "values": ["北京", "Beijing"], "mode": "any"}, "I love Beijing", True),
    ({"type": "contains", "values": ["北京", "Beijing"], "mode": "any"}, "I love Paris", False),
    # not_contains
    ({"type": "not_contains", "values": ["as an AI", "作为AI"]}, "答案是42。", True),
    ({"type": "not_contains", "values": ["as an AI"]}, "As an AI, I think...", False),
    (
        {"type": "not_contains", "values": ["as an AI"], "case_sensitive": True},
        "As an AI, I...",
        True,
    ),
    ({"type": "not_contains", "values": ["作为AI"]}, "作为ＡＩ，我认为", False),
    # max_chars / min_chars
    ({"type": "max_chars", "n": 5}, "  你好世界！  ", True),
    ({"type": "max_chars", "n": 5}, "你好，世界！", False),
    ({"type": "min_chars", "n": 3}, " abc ", True),
    ({"type": "min_chars", "n": 3}, " ab  ", False),
    # word_count
    ({"type": "word_count", "min": 5, "max": 5}, "我爱北京天安门", False),
    ({"type": "word_count", "min": 7, "max": 7}, "我爱北京天安门", True),
    ({"type": "word_count", "max": 4}, "The cat sat on the mat.", False),
    ({"type": "word_count", "min": 6}, "用 Python 3 写了代码", True),
    # line_count
    ({"type": "line_count", "min": 3, "max": 3}, "一\n\n二\n   \n三\n", True),
    ({"type": "line_count", "max": 2}, "a\nb\nc", False),
    # json
    ({"type": "json"}, '{"a": 1}', True),
    ({"type": "json"}, '```json\n{"a": 1}\n```', True),
    ({"type": "json"}, "```\n[1, 2]\n```", True),
    ({"type": "json", "allow_fence": False}, '```json\n{"a": 1}\n```', False),
    ({"type": "json"}, '好的：{"a": 1}', False),
    ({"type": "json", "schema": SCHEMA}, '{"label": "正面"}', True),
    ({"type": "json", "schema": SCHEMA}, '{"label": 3}', False),
    ({"type": "json", "schema": SCHEMA}, "{}", False),
    # reply_lang
    ({"type": "reply_lang", "lang": "zh"}, "这个 function 在 production 里 timeout 了", True),
    ({"type": "reply_lang", "lang": "en"}, "这个 function 在 production 里 timeout 了", False),
    (
        {"type": "reply_lang", "lang": "mixed"},
        "我觉得这个 idea is really good, but 我们需要 more time",
        True,
    ),
    # numeric
    ({"type": "numeric", "value": 1969}, "他于一九六九年登月。", True),
    ({"type": "numeric", "value": 1969}, "He landed in 19690.", False),
    ({"type": "numeric", "value": 25000}, "大约两万五千人", True),
    ({"type": "numeric", "value": 3.14, "tolerance": 0.01}, "约等于３．１４１６", True),
    ({"type": "numeric", "value": 3.14}, "约等于3.1416", False),
    ({"type": "numeric", "value": 1234}, "It costs $1,234.", True),
    ({"type": "numeric", "value": -5}, "零下温度：负五度", True),
    # starts_with / ends_with
    ({"type": "starts_with", "prefix": "答案："}, "  答案：42", True),
    ({"type": "starts_with", "prefix": "Answer:"}, "The Answer: 42", False),
    ({"type": "ends_with", "suffix": "。"}, "好的。\n", True),
    ({"type": "ends_with", "suffix": "Done."}, "Done. Thanks", False),
]


@pytest.mark.parametrize(("fields", "reply", "expected"), CASES)
def test_run_check(fields, reply, expected):
    assert run_check(check(**fields), reply).value is expected


def test_every_check_type_is_covered():
    assert {fields["type"] for fields, _, _ in CASES} == {
        "regex", "contains", "not_contains", "max_chars", "min_chars", "word_count",
        "line_count", "json", "reply_lang", "numeric", "starts_with", "ends_with",
    }  # fmt: skip


def test_check_score_is_named_and_signed():
    score = run_check(check(type="max_chars", n=3), "abcd")
    assert (score.metric, score.signature) == ("check:max_chars", "check:max_chars|v1")
    assert score.detail == {"check": {"type": "max_chars", "n": 3}, "chars": 4}


def test_reply_lang_check_signature_carries_thresholds():
    score = run_check(check(type="reply_lang", lang="zh"), "你好")
    assert score.signature.endswith(
        "zh>=0.70|en<=0.30|term<=2w|name<=4c|clauses>=5w+10c@0.15-0.85|skip:code,open-fence,url|mixmin5/3"
    )
    assert score.detail is not None and score.detail["detected"] == "zh"


def test_json_check_reports_schema_errors():
    score = run_check(check(type="json", schema=SCHEMA), "{}")
    assert score.detail is not None and score.detail["errors"] == ["'label' is a required property"]


def test_contains_check_lists_missing_values():
    score = run_check(check(type="contains", values=["A", "乙"]), "a 甲")
    assert score.detail is not None and score.detail["missing"] == ["乙"]


@pytest.mark.parametrize(
    ("text", "count"),
    [("我爱北京", 4), ("The cat sat.", 3), ("用 Python 3.11 写", 5), ("", 0), ("！？", 0)],
)
def test_word_count_counts_han_characters_latin_words_and_digit_runs(text, count):
    assert word_count(text) == count


def test_checks_pass_requires_every_check():
    golden = item(check(type="contains", values=["42"]), check(type="max_chars", n=10))
    assert checks_pass(golden, "答案是42。")
    assert not checks_pass(golden, "答案是42，这是一个很长的回答。")


def test_checks_pass_without_checks_is_true():
    assert checks_pass(item(), "anything")


def test_run_checks_keeps_item_order():
    golden = item(check(type="min_chars", n=1), check(type="json"))
    assert [s.metric for s in run_checks(golden, "x")] == ["check:min_chars", "check:json"]


@pytest.mark.parametrize(
    ("reply", "ok"),
    [
        ("Handover：客户 Acme 的 SSO login 问题还没有解决，明天需要 follow up 一下。", True),
        ("This release fixes the login bug and improves the dashboard.", False),
        ("这个版本修复了登录问题，并改进了仪表盘的显示效果。", False),
        ("先 deploy 到 staging 环境 then run the full regression suite before 上线。", True),
    ],
)
def test_mixed_expectation_passes_when_both_scripts_are_really_present(reply, ok):
    assert run_check(check(type="reply_lang", lang="mixed"), reply).value is ok
