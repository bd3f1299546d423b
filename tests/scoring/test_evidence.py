import pytest

from evalkit.scoring._evidence import (
    asks,
    content_tokens,
    near_alias,
    overlap,
    question_part,
    question_words,
)


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("The passages were founded", ["passag", "found"]),
        (
            "比尔·盖茨创立了苹果公司",
            ["比尔", "尔盖", "盖茨", "茨创", "创立", "苹果", "果公", "公司"],
        ),
        ("在1976年", ["1976", "年"]),
        ("用 Python 写", ["用", "python", "写"]),
    ],
)
def test_content_tokens(text, tokens):
    assert content_tokens(text) == tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [("大厅周六几点关门？", True), ("What time is it", True), ("The hall closes at 6.", False),
     ("它在1976年创立。", False)],
)  # fmt: skip
def test_asks(text, expected):
    assert asks(text) is expected


def test_question_part_drops_the_instructions():
    prompt = "Using only the text above: When does it close? If the text does not say, say so."
    assert question_part(prompt) == "When does it close?"
    assert (
        question_part("只根据这段文字回答：大厅几点关门？若文中没有，请说明。") == "大厅几点关门？"
    )


def test_overlap_of_an_echo_and_of_an_answer():
    echo = overlap("大于2的最小偶质数是多少？", "大于2的最小偶质数是多少？")
    assert echo.new_words == 0 and echo.covers_question == 1
    answer = overlap("大于2的最小偶质数是4。", "大于2的最小偶质数是多少？")
    assert answer.new_words == 1 and answer.covers_question == 1
    mixed = overlap("Bill Gates 在1976年创立了 Apple。", "In what year did Bill Gates found Apple?")
    assert mixed.shared_words == 3


@pytest.mark.parametrize(
    ("reply", "aliases", "near"),
    [
        ("The author is Zhang Zhongjia.", ["Zhang Zhongjing", "张仲景"], "Zhang Zhongjing"),
        ("作者是 Zhang Zhongjia。", ["张仲景", "Zhang Zhongjing"], "Zhang Zhongjing"),
        ("It was Mendeleyev's table.", ["Mendeleev"], "Mendeleev"),
        ("The poet is Li Bai.", ["Du Fu", "Tu Fu", "杜甫"], None),
        ("作者是张仲京。", ["张仲景"], None),
        ("It opened in 1861.", ["1871"], None),
        ("Symphony No. 24", ["Ninth Symphony", "Symphony No. 9"], None),
        ("The Zhang Zhongjing text", ["Zhang Zhongjing"], None),
    ],
)
def test_near_alias(reply, aliases, near):
    assert near_alias(reply, aliases) == near


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("What pay rise do staff get when they change roles?", ["what", "when"]),
        ("员工调岗后加薪多少？", ["多少"]),
        ("Who invented the Web, 在哪一年?", ["who", "哪"]),
        ("Staff get a pay rise.", []),
    ],
)
def test_question_words_in_order(text, words):
    assert question_words(text) == words
