import pytest

from evalkit.scoring._hedges import names_candidates, negated_alias, qualifies_premise

DU_FU = ["Du Fu", "杜甫", "Tu Fu"]


@pytest.mark.parametrize(
    ("reply", "negated"),
    [
        ("It was not Du Fu; it was Li Bai.", True),
        ("Rather than Du Fu, most anthologies credit Li Bai.", True),
        ("并不是杜甫，是李白写的。", True),
        ("Not 杜甫 — 是李白。", True),
        ("Du Fu, not Li Bai.", False),
        ("Not Li Bai — it was Du Fu.", False),
        ("不是李白，而是杜甫。", False),
        ("不是李白而是杜甫写的。", False),
        ("It wasn't Li Bai who wrote it but Du Fu.", False),
        ("It was not Du Fu at first, they thought, but yes, Du Fu wrote it.", False),
    ],
)
def test_an_alias_named_only_to_deny_it_is_negated(reply, negated):
    assert negated_alias(reply, DU_FU) is negated


@pytest.mark.parametrize(
    ("reply", "several"),
    [
        ("Either Du Fu or Li Bai.", True),
        ("I think it was Du Fu, or possibly Wang Wei.", True),
        ("It might be Du Fu or Li Bai.", True),
        ("可能是杜甫，也可能是王维。", True),
        ("要么是杜甫，要么是李白。", True),
        ("我觉得可能是杜甫或者王维。", True),
        ("是杜甫还是王维，学界一直有争议。", True),
        ("Whether Du Fu or Wang Wei wrote it is disputed.", True),
        ("我不确定，可能是杜甫。", False),
        ("Du Fu (or Tu Fu in older romanization).", False),
        ("Du Fu wrote it in 757, or thereabouts, in occupied Chang'an.", False),
    ],
)
def test_several_candidates_are_named(reply, several):
    assert names_candidates(reply) is several


@pytest.mark.parametrize(
    ("reply", "question", "qualifies"),
    [
        ("2 is the only even prime.", "What is the smallest even prime greater than 2?", True),
        ("Trick question: Shakespeare wrote Hamlet.", "When did Dickens write Hamlet?", True),
        ("相传是在公元前七世纪开始修建的。", "长城最早的一段是哪一天开工的？", True),
        ("《哈姆雷特》是莎士比亚写的，不是狄更斯。", "狄更斯哪一年写了《哈姆雷特》？", True),
        ("The smallest even prime greater than 2 is 4.", "What is the smallest even prime "
         "greater than 2?", False),
        ("狄更斯在1837年写了《哈姆雷特》。", "狄更斯哪一年写了《哈姆雷特》？", False),
        # a negation the question itself holds is no correction
        ("The element not yet discovered was gallium.", "Which element was not yet "
         "discovered in 1869?", False),
    ],
)  # fmt: skip
def test_a_premise_reply_that_negates_or_doubts_qualifies(reply, question, qualifies):
    assert qualifies_premise(reply, question) is qualifies
