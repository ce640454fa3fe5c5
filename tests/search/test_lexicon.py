"""A query is cut from jieba's dictionary mapped from a shared file (search.lexicon), and must
be cut exactly as full jieba (portal.text) cuts it: same words, same order, same limits."""

import os
import random

import pytest

from portal import text as core
from search import lexicon

SENTENCES = (
    "就业",
    "矫正",
    "法律援助",
    "危险驾驶",
    "入矫第一课",
    "社区矫正对象的法律援助",
    "心理疏导 入矫第一课",
    "我想找一份厨师的工作在广州天河区",
    "数控车床操作工（广州市天河区）招聘，月薪6000元",
    "IT运维助理 Python 开发",
    "社工 天河区",
    "每月一主题：劳动精神与就业，分类教育和个别教育相结合",
    "醉驾的法律后果与禁止令",
    "志愿者服务时长超过200小时的帮扶项目",
    "  ",
    "",
    "title:* OR 1=1; DROP TABLE --",
    "矫" * 300,
)


def _dictionary_words(count: int) -> list[str]:
    import jieba

    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    with open(path, encoding="utf-8") as f:
        words = [line.split(" ", 1)[0] for line in f if line.strip()]
    return random.Random(20).sample(words, count)


def test_queries_are_cut_as_full_jieba_cuts_them():
    words = _dictionary_words(3000)
    shuffled = random.Random(7)
    joined = ["".join(shuffled.sample(words, 4)) for _ in range(500)]
    cases = [*SENTENCES, *core.DOMAIN_WORDS, *words, *joined]
    assert lexicon._tokenizer() is not None, "the lexicon file could not be built"
    differ = [c for c in cases if lexicon.query_tokens(c) != core.query_tokens(c)]
    assert differ == []


def test_the_search_page_uses_the_mapped_dictionary():
    from search import text

    assert text.query_tokens is lexicon.query_tokens


def test_the_mapped_dictionary_answers_as_jiebas_dict_does(tmp_path):
    freq = {"社": 0, "社区": 5, "社区矫正": 20000, "矫": 0, "矫正": 7, "a": 3}
    path = str(tmp_path / "small.lexicon")
    lexicon.write(freq, 20015, path)
    mapped = lexicon.MappedFreq(path)
    assert len(mapped) == len(freq)
    assert mapped.total == 20015
    for word, count in freq.items():
        assert word in mapped
        assert mapped[word] == count
        assert mapped.get(word) == count
    for missing in ("", "社区矫", "正", "b", "社区矫正对象"):
        assert missing not in mapped
        assert mapped.get(missing) is None
        with pytest.raises(KeyError):
            mapped[missing]


def test_without_the_file_queries_fall_back_to_full_jieba(monkeypatch):
    def broken(path):
        raise OSError("read-only file system")

    monkeypatch.setattr(lexicon, "_build_in_child", broken)
    monkeypatch.setattr(lexicon, "lexicon_path", lambda: "/nonexistent/portal.lexicon")
    lexicon._tokenizer.cache_clear()
    try:
        assert lexicon._tokenizer() is None
        assert lexicon.query_tokens("社区矫正对象的法律援助") == ["社区矫正对象", "法律援助"]
    finally:
        lexicon._tokenizer.cache_clear()
