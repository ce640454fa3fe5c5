"""The words of a search query, cut by jieba from a dictionary file every process shares.

jieba keeps its dictionary as a Python dict of about 500,000 words and prefixes: some 65 MB in
every process that cuts a sentence, and 3 s to load. A web process only cuts queries of a few
words, so here the same dictionary (jieba's, with the domain's words added as portal.text adds
them) is written once, by a child process, to a sorted file that every process maps read-only:
the operating system keeps one copy in its page cache, and a process holds only the pages its
lookups touched. The cut is jieba's own code (a Tokenizer whose dictionary is that file), so
query_tokens answers exactly what portal.text.query_tokens answers (tests/search compare them).

Indexing keeps portal.text (full jieba): it runs in the worker, and in search mode.
If the file cannot be built or read, queries fall back to portal.text, slower but the same.
"""

import bisect
import hashlib
import logging
import mmap
import os
import struct
import subprocess
import sys
import tempfile
import threading
from functools import cache

from django.conf import settings

from portal import text as core

log = logging.getLogger(__name__)

FORMAT = b"jlex0001"
_HEADER = struct.Struct("=8sIQ")  # magic, number of keys, jieba's total frequency


class _Keys:
    """The dictionary's keys (UTF-8 bytes), sorted, as a sequence bisect can search; each key
    is sliced from the mapped file when compared."""

    __slots__ = ("blob", "offsets", "start")

    def __init__(self, blob, offsets, start):
        self.blob, self.offsets, self.start = blob, offsets, start

    def __len__(self):
        return len(self.offsets) - 1

    def __getitem__(self, i):
        return self.blob[self.start + self.offsets[i] : self.start + self.offsets[i + 1]]


class MappedFreq:
    """jieba's FREQ (word or prefix -> frequency, 0 for a prefix only) read from the file."""

    def __init__(self, path: str):
        with open(path, "rb") as f:
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        magic, count, self.total = _HEADER.unpack_from(self._map, 0)
        if magic != FORMAT:
            raise ValueError(f"{path}: not a lexicon file")
        view = memoryview(self._map)
        start = _HEADER.size
        offsets = view[start : start + 4 * (count + 1)].cast("I")
        start += 4 * (count + 1)
        self._freqs = view[start : start + 4 * count].cast("I")
        start += 4 * count
        self._keys = _Keys(self._map, offsets, start)
        self._count = count

    def _index(self, word: str) -> int:
        key = word.encode()
        i = bisect.bisect_left(self._keys, key)
        if i < self._count and self._keys[i] == key:
            return i
        return -1

    def __contains__(self, word) -> bool:
        return self._index(word) >= 0

    def __getitem__(self, word) -> int:
        i = self._index(word)
        if i < 0:
            raise KeyError(word)
        return self._freqs[i]

    def get(self, word, default=None):
        i = self._index(word)
        return default if i < 0 else self._freqs[i]

    def __len__(self) -> int:
        return self._count


def write(freq: dict, total: int, path: str) -> None:
    """Write jieba's FREQ and total to `path` (atomically: readers see the old file or this)."""
    keys = sorted(freq)  # str order is UTF-8 byte order, the order _index bisects in
    encoded = [k.encode() for k in keys]
    offsets, at = [0], 0
    for key in encoded:
        at += len(key)
        offsets.append(at)
    directory = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix=".lexicon-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(_HEADER.pack(FORMAT, len(keys), total))
            f.write(struct.pack(f"={len(offsets)}I", *offsets))
            f.write(struct.pack(f"={len(keys)}I", *(freq[k] for k in keys)))
            f.write(b"".join(encoded))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _build_in_child(path: str) -> None:
    """Load full jieba (with the domain's words) in a child process and write its dictionary,
    so the 65 MB of the load are given back to the system with the child."""
    subprocess.run(  # noqa: S603 - our own interpreter and module, no user input
        [sys.executable, "-m", "search.lexicon", path],
        check=True,
        timeout=300,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
    )


def lexicon_path() -> str:
    """The file for this jieba, its dictionary and the domain's words: any change, a new name."""
    import jieba

    dictionary = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    stat = os.stat(dictionary)
    key = "\n".join(
        [
            FORMAT.decode(),
            sys.byteorder,
            jieba.__version__,
            dictionary,
            str(stat.st_size),
            str(int(stat.st_mtime)),
            *core.DOMAIN_WORDS,
        ]
    )
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    directory = getattr(settings, "SEARCH_LEXICON_DIR", "") or tempfile.gettempdir()
    return os.path.join(directory, f"portal-jieba-{digest}.lexicon")


class _MappedTokenizer:
    """Made lazily: jieba's Tokenizer is imported only when the first query is cut."""

    @staticmethod
    def make(path: str):
        import jieba

        class MappedTokenizer(jieba.Tokenizer):
            def initialize(self, dictionary=None):
                with self.lock:
                    if not self.initialized:
                        self.FREQ = MappedFreq(path)
                        self.total = self.FREQ.total
                        self.initialized = True

        tokenizer = MappedTokenizer()
        tokenizer.initialize()
        return tokenizer


_lock = threading.Lock()


@cache
def _tokenizer():
    """The mapped tokenizer, or None (then portal.text's full jieba cuts the queries)."""
    with _lock:
        try:
            path = lexicon_path()
            if not os.path.exists(path):
                _build_in_child(path)
            return _MappedTokenizer.make(path)
        except Exception:  # noqa: BLE001 - any failure: full jieba still cuts the same words
            log.warning("search lexicon unavailable; queries use jieba's dictionary", exc_info=True)
            return None


def query_tokens(text: str) -> list[str]:
    """portal.text.query_tokens, cut with the shared dictionary file."""
    tokenizer = _tokenizer()
    if tokenizer is None:
        return core.query_tokens(text)
    text = (text or "")[: core.MAX_QUERY_CHARS]
    if not text.strip():
        return []
    return list(dict.fromkeys(core._words(tokenizer.cut(text))))[: core.MAX_QUERY_TOKENS]


def _main(path: str) -> None:
    jieba = core._jieba()
    write(jieba.dt.FREQ, jieba.dt.total, path)


if __name__ == "__main__":
    # `python -m search.lexicon` (a deploy step, so no first query waits for it), or with the
    # path the file goes to (the child process above).
    _main(sys.argv[1] if len(sys.argv) > 1 else lexicon_path())
