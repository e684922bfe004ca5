"""Text analysis: jieba for Chinese, stemmed English, model and certificate numbers as terms."""

from __future__ import annotations

import re
import threading
import unicodedata
import warnings
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import STOP_WORDS
from whoosh.lang.porter import stem

with warnings.catch_warnings():
    # jieba 0.42.1 imports pkg_resources when setuptools is installed, and setuptools 67.5+
    # warns on that import; the warning says nothing about our code.
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated")
    import jieba

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A run of Han characters, or a Latin/digit word that may contain . / - _ + (P.O, 42.5, C30,
# low-E, GZGBM-2026-CEM-000012, 5+12A+5).
_RUN = re.compile(rf"([{_CJK}]+)|([a-z0-9]+(?:[./\-_+][a-z0-9]+)*)")
JOINERS = re.compile(r"[./\-_+]")
_NUMBER_WITH_SUFFIX = re.compile(r"([0-9]+(?:[./][0-9]+)*)[a-z]+$")
IS_CJK = re.compile(rf"[{_CJK}]")
# Cement types are written P·O, P•O, P.O and P．O; NFKC folds the full-width forms.
_DOTS = str.maketrans({"·": ".", "•": ".", "・": ".", "‧": ".", "∙": ".", "⋅": "."})
_STOP = frozenset(STOP_WORDS)

# Words jieba's general dictionary lacks; without them 磷石膏 splits into 磷 + 石膏 and a
# query for the material would also match any gypsum product mentioning phosphorus.
# Changing them changes how documents are cut: rebuild the index afterwards.
DOMAIN_WORDS = """
磷石膏 脱硫石膏 石膏板 纸面石膏板 石膏砌块 建筑石膏 粉刷石膏 自流平 蒸压 加气混凝土
蒸压加气混凝土 加气砌块 砌块 预拌 预拌混凝土 商品混凝土 再生骨料 泵送混凝土
镀膜玻璃 浮法玻璃 超白 中空玻璃 钢化玻璃 夹层玻璃 竹集成材 重组竹 竹胶合板 集成材
硅酸盐水泥 普通硅酸盐水泥 复合硅酸盐水泥 矿渣硅酸盐水泥 粉煤灰 煤矸石 电石渣 锰渣
赤泥 钢渣 矿渣粉 熟料 陶瓷砖 陶瓷大板 卫生陶瓷 坐便器 蹲便器 洗面器 小便器 生石灰
消石灰 活性石灰 烧结砖 多孔砖 空心砌块 甲醛释放 低碳 碳足迹
"""

_init_lock = threading.Lock()
_initialised = False


def init_search() -> None:
    """Load jieba's dictionary and the domain words once per process (call at start-up)."""
    global _initialised
    if _initialised:
        return
    with _init_lock:
        if _initialised:
            return
        # jieba logs "Building prefix dict…" on stderr at DEBUG level; keep only real problems.
        jieba.setLogLevel(30)
        jieba.initialize()
        for word in DOMAIN_WORDS.split():
            jieba.add_word(word)
        _initialised = True


@lru_cache(maxsize=100_000)
def stem_word(word: str) -> str:
    """Return the Porter stem of an alphabetic word; other words stay as they are."""
    return stem(word) if word.isalpha() else word


def normalize(text: str) -> str:
    """Return text folded for matching: NFKC, middle dots as full stops, lower case."""
    return unicodedata.normalize("NFKC", text).translate(_DOTS).lower()


@lru_cache(maxsize=65_536)
def _han_tokens(run: str, query: bool) -> tuple[tuple[tuple[str, int, int, int], ...], int]:
    # Cached: manufacturer, category and division names recur in thousands of documents.
    out, starts, pos = [], [], 0
    for word in jieba.cut(run, HMM=False):
        starts += [pos] * len(word)
        out.append((word, pos, len(starts) - len(word), len(starts)))
        pos += 1
    if not query:
        # Every other dictionary word in the run too, at the position of the word it starts
        # in: 磷石膏砌块 may be cut 磷 + 石膏砌块, and a search for 磷石膏 must still find it.
        cut = {(start, end) for _, _, start, end in out}
        for start, ends in jieba.get_DAG(run).items():
            out += [
                (run[start : end + 1], starts[start], start, end + 1)
                for end in ends
                if end > start and (start, end + 1) not in cut
            ]
    return tuple(out), pos


@lru_cache(maxsize=65_536)
def _latin_tokens(word: str, query: bool) -> tuple[tuple[str, int, int], ...]:
    if not JOINERS.search(word):
        if word in _STOP:
            return ()
        out = [(stem_word(word), 0, len(word))]
    else:
        out = [(word, 0, len(word))]
        if not query:
            out.append((JOINERS.sub("", word), 0, len(word)))
            at = 0
            for part in JOINERS.split(word):
                out.append((stem_word(part), at, at + len(part)))
                at += len(part) + 1
    suffixed = _NUMBER_WITH_SUFFIX.match(word)
    if suffixed and not query:
        # A number with a unit or grade letter also counts as the number: 42.5R is a 42.5.
        out.append((suffixed.group(1), 0, suffixed.end(1)))
    return tuple(out)


def tokens(text: str, *, query: bool = False) -> Iterator[tuple[str, int, int, int]]:
    """Yield (term, position, start, end) for normalised text.

    Index mode adds every other dictionary word of a Chinese run (磷石膏 inside 磷石膏砌块
    however jieba cuts it) and, at the same position, the parts of a compound (p.o → p, o,
    po), so a query may use any of these forms; query mode keeps only the words jieba cuts
    and whole compounds, so `42.5` stays one term instead of matching every 42 and 5.
    """
    init_search()
    pos = 0
    for run in _RUN.finditer(text):
        offset = run.start()
        if run.group(1):
            found, width = _han_tokens(run.group(1), query)
            for term, at, start, end in found:
                yield term, pos + at, offset + start, offset + end
            pos += width
        else:
            found = _latin_tokens(run.group(2), query)
            for term, start, end in found:
                yield term, pos, offset + start, offset + end
            pos += 1 if found else 0


# The name part of a document's text ends at this separator; each occurrence of a term in the
# name adds NAME_WEIGHT to its posting weight (elsewhere 1), so one field gives both the term
# frequency and whether the name holds the term, without a second field to write.
NAME_END = "\x1e"
NAME_WEIGHT = 65536.0


def analyse(value: str) -> Iterator[tuple[str, int, float]]:
    """Yield (term, position, weight) for a document's text (index mode)."""
    name, sep, rest = value.partition(NAME_END)
    if not sep:
        name, rest = "", value
    offset = 0
    for part, weight in ((name, 1.0 + NAME_WEIGHT), (rest, 1.0)):
        last = -1
        for term, pos, _start, _end in tokens(normalize(part)):
            yield term, offset + pos, weight
            last = pos
        offset += last + 2  # a gap, so that no phrase runs from the name into the rest
