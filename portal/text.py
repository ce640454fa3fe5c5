"""Chinese words, segmented once in Python (DESIGN.md, "Chinese text and search").

In the core because every app that stores or matches Chinese text uses the same cut: the
site search indexes with it, and Wagtail's admin search of lessons (curriculum) too.

jieba in search mode indexes a long word and the words inside it (社区矫正 → 社区, 矫正,
社区矫正), so a two-character query such as 矫正 finds it; queries are cut in precise mode and
every word must match. Both backends store and query the same tokens: plain words of letters
and digits, lower-cased, joined by spaces, which PostgreSQL's `simple` parser, SQLite FTS5's
unicode61 tokenizer and an Elasticsearch whitespace analyzer all split the same way.
"""

import logging
import re
from functools import cache

# Terms of the domain jieba does not know, so they stay one word (and are found whole).
DOMAIN_WORDS = (
    "社区矫正",
    "矫正小组",
    "矫正对象",
    "社区矫正对象",
    "入矫",
    "在矫",
    "解矫",
    "入矫第一课",
    "每月一主题",
    "危险驾驶",
    "醉驾",
    "禁止令",
    "执行地",
    "司法所",
    "社工",
    "志愿者",
    "服务时长",
    "帮扶项目",
    "就业岗位",
    "法律援助",
    "心理疏导",
    "分类教育",
    "集体教育",
    "个别教育",
    "保密承诺",
)
# Words too common to narrow a search; dropped from queries and from the index alike.
_STOP_ZH = "的 了 和 与 及 或 在 是 我 我们 你 他 她 它 这 那 之 也 都 就 而 着 对 把 被"
_STOP_EN = "a an and the of or to in on for is"
STOP_WORDS = frozenset(f"{_STOP_ZH} {_STOP_EN}".split())
MAX_QUERY_CHARS = 200
MAX_QUERY_TOKENS = 12
_WORD = re.compile(r"[^\W_]+")


@cache
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    for word in DOMAIN_WORDS:
        jieba.add_word(word, freq=20000)
    jieba.initialize()
    return jieba


def _words(pieces) -> list[str]:
    words = []
    for piece in pieces:
        for word in _WORD.findall(piece.lower()):
            if word not in STOP_WORDS:
                words.append(word)
    return words


def index_tokens(text: str) -> str:
    """The tokens stored for a text (search mode: words and the words inside them)."""
    if not text:
        return ""
    return " ".join(_words(_jieba().cut_for_search(text)))


def query_tokens(text: str) -> list[str]:
    """The words of a query (precise mode), without duplicates, at most MAX_QUERY_TOKENS.

    Anything that is not a letter or digit is dropped, so query syntax of any engine (Lucene's
    `title:* OR 1=1`, SQL quotes, FTS5 operators) reaches the backends as plain words.
    """
    text = (text or "")[:MAX_QUERY_CHARS]
    if not text.strip():
        return []
    return list(dict.fromkeys(_words(_jieba().cut(text))))[:MAX_QUERY_TOKENS]
