import pytest

from evalkit.metrics import abstention_kind, is_abstention

EN = [
    ("I don't know.", True),
    ("I do not know who won that match.", True),
    ("There is no record of a Nobel Prize in Mathematics; there is no such prize.", True),
    ("This is not known; historians still debate it.", True),
    ("The passage does not say when the bridge was built.", True),
    ("The text doesn't mention the author's age.", True),
    ("Actually, Einstein did not fail math in school.", True),
    ("In fact, the Great Wall is not visible from space with the naked eye.", True),
    ("I'm not sure.", True),
    ("I couldn't find any information about that company.", True),
    ("That question rests on a false premise: Napoleon was of average height.", True),
    ("Nobody knows the exact number of ants on Earth.", True),
    ("It cannot be determined from the given context.", True),
    ("There is no evidence that vaccines cause autism.", True),
    ("The provided context does not specify the price.", True),
    ("I don’t know.", True),
    ("The capital of France is Paris.", False),
    ("I'm not sure, but I think it was 1969.", False),
    ("Apollo 11 landed on the Moon in 1969.", False),
    ("Actually, the answer is 42.", False),
    ("I know the answer: Au.", False),
    ("You don't need a visa for that trip.", False),
    ("I'm sorry, but I can't help with that request.", False),
    ("The premise of the novel is simple: a boy finds a dragon.", False),
]

ZH = [
    ("我不知道。", True),
    ("我不知道这场比赛谁赢了。", True),
    ("无法确定。", True),
    ("史书中没有相关记载。", True),
    ("文中没有提到这座桥的建造年份。", True),
    ("原文未提及作者的年龄。", True),
    ("实际上，爱因斯坦并没有在数学考试中不及格。", True),
    ("事实上，长城在太空中用肉眼并不能看到。", True),
    ("我不确定。", True),
    ("这个问题的前提有误：拿破仑的身高在当时属于中等。", True),
    ("目前尚无定论。", True),
    ("没有证据表明疫苗会导致自闭症。", True),
    ("根据所给材料，无法得知他的出生地。", True),
    ("这个说法不正确，诺贝尔奖没有数学奖。", True),
    ("我没有找到相关资料。", True),
    ("我不确定，无法回答这个问题。", True),
    ("法国的首都是巴黎。", False),
    ("我不确定，但可能是1969年。", False),
    ("阿波罗11号于1969年登月。", False),
    ("实际上答案是42。", False),
    ("金的化学符号是Au。", False),
    ("抱歉，我无法协助完成这个请求。", False),
    ("我知道答案：李白。", False),
    ("消防员控制住了火势，目前尚无人员受伤的报告。", False),
    ("我不能确定具体日期，但大概是在1969年。", False),
]

MIXED = [
    ("I don't know 这个问题的答案。", True),
    ("我不知道 who won the 1998 match.", True),
    ("The passage 里没有提到 the bridge 的建造年份。", True),
    ("原文未提及 the author's age.", True),
    ("Actually, 爱因斯坦 did not fail math.", True),
    ("实际上 the Great Wall 并不能 be seen from space。", True),
    ("There is no record of 这个人。", True),
    ("这个 API 的 rate limit 文档里没有记载，I couldn't find it.", True),
    ("我不确定, sorry.", True),
    ("This is not known，历史学家还在争论。", True),
    ("The context does not specify 价格。", True),
    ("这是一个 false premise：Napoleon 并不矮。", True),
    ("无法确定 the exact date.", True),
    ("Nobody knows 宇宙里有多少颗星星。", True),
    ("没有证据表明 5G causes COVID.", True),
    ("答案是 Paris。", False),
    ("I'm not sure, 但可能是 1969 年。", False),
    ("这个 function 返回 None，因为没有 return 语句。", False),
    ("Apollo 11 在 1969 年登月。", False),
    ("Actually 答案是 42。", False),
    ("金的 chemical symbol 是 Au。", False),
    ("Sorry，我不能帮你做这个。", False),
]


@pytest.mark.parametrize(("reply", "expected"), EN)
def test_abstention_english(reply, expected):
    assert is_abstention(reply) is expected


@pytest.mark.parametrize(("reply", "expected"), ZH)
def test_abstention_chinese(reply, expected):
    assert is_abstention(reply) is expected


@pytest.mark.parametrize(("reply", "expected"), MIXED)
def test_abstention_code_mixed(reply, expected):
    assert is_abstention(reply) is expected


@pytest.mark.parametrize("table", [EN, ZH, MIXED])
def test_each_table_has_at_least_20_replies_of_both_labels(table):
    assert len(table) >= 20
    assert {label for _, label in table} == {True, False}


def test_empty_reply_is_not_an_abstention():
    assert not is_abstention("")


# Natural false-premise corrections, as the factual_qa writer first phrased them (before the
# review reworded exemplars): a denial in the first sentence is an abstention.
NATURAL_CORRECTIONS = [
    "Charles Dickens did not write Hamlet; it was written by William Shakespeare around 1600.",
    "None: Mozart died in 1791, and Beethoven's First Symphony did not premiere until 1800.",
    "They never met: Li Bai (701–762) was a Tang poet and Su Shi was born centuries later.",
    "Venus is not the closest planet to the Sun; Mercury is.",
    "That is unknowable; no one counted them, and no record exists.",
    "《哈姆雷特》不是狄更斯写的，而是莎士比亚在1600年前后创作的。",
    "孔子没有辅佐过任何唐朝皇帝。他生活在春秋时期。",
    "一部也没有。莫扎特1791年就去世了。",
    "不存在这样的数：大于2的偶数都能被2整除。",
    "这个说法不成立：在月球上用肉眼根本看不到长城。",
    "爱迪生从未获得过诺贝尔奖，所以不存在这样的年份。",
    "杨利伟并没有登上月球。",
]


@pytest.mark.parametrize("reply", NATURAL_CORRECTIONS)
def test_natural_premise_corrections_are_abstentions(reply):
    assert is_abstention(reply)


@pytest.mark.parametrize(
    "reply",
    [
        "The capital of Australia is Canberra. It is not Sydney, as many think.",
        "澳大利亚的首都是堪培拉。很多人以为是悉尼，其实不是。",
        "Einstein won the Nobel Prize in 1921.",
    ],
)
def test_a_later_negation_does_not_make_an_answer_an_abstention(reply):
    assert not is_abstention(reply)


REAL_REPLY_SHAPES = [
    # issue 11: abstentions and premise corrections real models write
    ("It is not stated.", True),
    ("I can't tell from the passage.", True),
    ("This information is not provided in the passage.", True),
    ("I don't have that information.", True),
    ("There isn't one. 2 is the only even prime number.", True),
    (
        "It isn't. The Great Wall is not visible from the Moon with the naked eye; that's a myth.",
        True,
    ),
    ("答案不在文中。", True),
    ("原文未说明年卡价格。", True),
    ("没人知道，长城最早的一段何时开工并无记载。", True),
    ("黄河不经过上海。", True),
    ("我没有这方面的信息。", True),
    ("The passage 没有说明 the price.", True),
    ("文中 doesn't mention 年卡价格。", True),
    ("There's no doubt about it: the answer is B.", False),
    ("黄河流经九个省份。", False),
    ("It is Canberra.", False),
]


@pytest.mark.parametrize(("reply", "expected"), REAL_REPLY_SHAPES)
def test_real_reply_abstentions(reply, expected):
    assert is_abstention(reply) is expected


@pytest.mark.parametrize(
    "reply",
    [
        "I'm not sure, but I think it was 1969.",
        "我不确定，可能是1969年。",
        "我不太确定, but I think it's 1969.",
    ],
)
def test_a_hedged_guess_is_an_attempt(reply):
    assert is_abstention(reply) is False


@pytest.mark.parametrize(
    "reply",
    [
        "Nobody knows the exact number. No census was taken. Historians estimate about 40,000, "
        "but that is a guess.",
        "没有人知道确切数字。当时没有做过人口普查。学者一般估计约四万人，但这只是估算。",
        "No one knows the exact number. 当时没有做过人口普查。学者估计约四万人, but that is only "
        "an estimate.",
        "其实长城并不是一个人修建的，这是常见的误解。秦以前各国就修过长城，但是现在看到的大多是明长城。",
    ],
)
def test_a_but_in_the_explanation_does_not_take_an_abstention_back(reply):
    assert is_abstention(reply)


@pytest.mark.parametrize(
    "reply",
    [
        "I don't know which edition you mean, but the novel came out in 1962.",
        "我不清楚你指哪个版本，但小说是1962年出版的。",
    ],
)
def test_a_but_in_the_opening_is_a_late_answer(reply):
    assert not is_abstention(reply)


@pytest.mark.parametrize(
    "reply",
    [
        # a bare "No" / "None" cut off by a dash
        "None — Confucius lived more than a thousand years before the Tang dynasty.",
        "Nope — Confucius predates the Tang by over a thousand years.",
        "没有——孔子比唐朝早了一千多年。",
        "None —— 孔子 lived long before the Tang.",
        # the premise named as wrong
        "The premise doesn't hold: Napoleon was of average height for his time.",
        "这个问题的前提不对：拿破仑在当时属于中等身高。",
        "这道题前提错了, Napoleon was of average height.",
    ],
)
def test_a_cut_off_denial_or_a_named_premise_is_an_abstention(reply):
    assert is_abstention(reply)


@pytest.mark.parametrize(
    "reply",
    [
        "Nonetheless — the answer is Paris.",
        "No doubt about it: the capital is Canberra.",
        "没有问题——答案是堪培拉。",
    ],
)
def test_a_word_starting_with_no_is_not_a_bare_denial(reply):
    assert not is_abstention(reply)


@pytest.mark.parametrize(
    "reply",
    [
        "I'm not sure; it seems unlikely anyone recorded it.",
        "我不确定, it seems unlikely that anyone wrote it down.",
    ],
)
def test_a_guess_word_inside_another_word_is_no_guess(reply):
    # "unlikely" is no "likely": English markers match at the start of a word (v4)
    assert is_abstention(reply)


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        ("I don't know.", "phrase"),
        ("原文未说明年卡价格。", "phrase"),
        ("Actually, Einstein did not fail math in school.", "correction"),
        ("实际上，爱因斯坦并没有数学不及格。", "correction"),
        ("Dickens did not write Hamlet; Shakespeare did.", "denial"),
        ("It wasn't until 1921 that he won the prize.", "denial"),
        ("《哈姆雷特》不是狄更斯写的。", "denial"),
        ("It's hard to say; 我不敢肯定。", "hedge"),
        ("我不确定。", "phrase"),
        ("我不确定，可能是1969年。", None),
        ("Canberra. It is not Sydney.", None),
    ],
)
def test_abstention_kind_says_how_a_reply_abstains(reply, kind):
    assert abstention_kind(reply) == kind
    assert is_abstention(reply) is (kind is not None)
