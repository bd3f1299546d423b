import pytest

from evalkit.metrics import DEFAULT_THRESHOLDS, LangThresholds, detect_reply_lang


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Chinese, with and without English technical terms
        ("北京是中国的首都。", "zh"),
        ("这个 function 在 production 里 timeout 了，建议先检查 Redis 连接池", "zh"),
        ("这个 API 的 response time 太长了", "zh"),
        ("报错信息是 connection refused by peer，请检查防火墙设置。", "zh"),
        ("用 pandas 的 groupby 就可以了", "zh"),
        ("ＡＰＩ返回了错误码，请稍后重试。", "zh"),
        # English, with and without Chinese names
        ("The capital of France is Paris.", "en"),
        ("The poet 李白 wrote many poems about the moon during the Tang dynasty.", "en"),
        ("The answer is 李白.", "en"),
        ("I visited 北京 and 上海 last year with my friend 王小明", "en"),
        ("The Chinese phrase 你好世界 means hello world.", "en"),
        # genuinely mixed
        ("我觉得这个 idea is really good, but 我们需要 more time", "mixed"),
        (
            "今天的 meeting 我觉得 we should really focus on the budget，"
            "然后下周再讨论 hiring 的问题。",
            "mixed",
        ),
        ("If you want, 我们可以明天下午再讨论这个问题 and then decide together.", "mixed"),
        # code and URLs do not count
        ("先用 `ps aux | grep python` 找到它的 PID，再执行 `kill -9 <PID>` 强制结束。", "zh"),
        ("运行下面的命令：\n```bash\npip install --upgrade sacrebleu jieba\n```\n然后重试。", "zh"),
        ("详见 https://example.com/docs/getting-started-guide 的说明。", "zh"),
        ("```python\nprint('hello world')\n```", "unknown"),
        # nothing to go on
        ("", "unknown"),
        ("12345", "unknown"),
        ("!!! ... 🙂", "unknown"),
    ],
)
def test_detect_reply_lang(text, expected):
    assert detect_reply_lang(text) == expected


def test_short_english_insertions_in_english_frame_count_as_english():
    # Documented limit of a script-only detector: short Han phrases look like names.
    assert detect_reply_lang("Let's meet tomorrow 下午三点 at the office 好吗") == "en"


def test_share_at_zh_threshold_is_zh():
    # 7 Han characters, 3 English words: share exactly 0.70.
    assert detect_reply_lang("我们今天讨论一下 one two three") == "zh"


def test_custom_thresholds_change_the_verdict():
    strict = LangThresholds(zh_share=0.9, term_words=0)
    assert (
        detect_reply_lang(
            "这个 function 在 production 里 timeout 了，建议先检查 Redis 连接池", strict
        )
        == "mixed"
    )


def test_thresholds_signature_names_every_threshold():
    assert (
        DEFAULT_THRESHOLDS.signature()
        == "zh>=0.70|en<=0.30|term<=2w|name<=4c|clauses>=5w+10c@0.15-0.85|skip:code,open-fence,url"
    )


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "The main issue is a memory leak in the worker pool. "
            "具体来说，每次任务结束后数据库连接没有被释放。",
            "mixed",
        ),
        (
            "dogfooding 指的是公司员工在产品正式发布前先自己使用自家产品，"
            "说法来自英文里的“吃自己的狗粮”（eating your own dog food）。上线前全公司试用一周。",
            "zh",
        ),
    ],
)
def test_a_clause_in_each_language_is_mixed_but_a_quoted_phrase_is_not(text, lang):
    assert detect_reply_lang(text) == lang


@pytest.mark.parametrize(
    "reply",
    [
        "以下是示例代码，展示了如何使用标准化：\n\n```python\nfrom sklearn.preprocessing import "
        "StandardScaler\n# create a scaler and fit it on the training data only\nscaler = Standard",
        "先这样写：\n```bash\nps aux | grep python\nkill -9 the process id you found above",
    ],
)
def test_an_open_fence_of_a_cut_reply_is_code(reply):
    assert detect_reply_lang(reply) == "zh"
