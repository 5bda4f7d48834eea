"""The words of 诉求内容 for the 热点 rule (dangqun.alerts): jieba's own dictionary, shipped inside the
package (nothing is downloaded at run time; its prefix cache goes to the temporary directory), with the
region dictionary's place names and config/alerts.toml's domain words added so that 孤山镇 or 路灯 are one
word each, dictionary words only (no guessed new words), a word also counting for the configured words inside
it (供暖费 for 供暖), Chinese words of two or more characters, and the
config's stop-words left out. Each text counts a word once (how many 诉求 mention it). Runs without
Streamlit."""
from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from collections.abc import Iterable

import jieba

jieba.setLogLevel(logging.WARNING)

WORD_FREQ = 20_000            # high enough that an added word is cut whole
_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")
_LOCK = threading.Lock()
_ADDED: set[str] = set()


def _tokenizer(words: Iterable[str]):
    """jieba's default tokenizer with `words` added (once each per process)."""
    with _LOCK:
        new = sorted({w.strip() for w in words if w and w.strip()} - _ADDED)
        for w in new:
            jieba.dt.add_word(w, WORD_FREQ)
        _ADDED.update(new)
    return jieba.dt


def _words(tk, text: str, domain: tuple[str, ...], stop: set[str]) -> set[str]:
    out = set()
    for w in tk.lcut(str(text or ""), HMM=False):
        if _WORD.fullmatch(w) and w not in stop:
            out.add(w)
            out.update(d for d in domain if d != w and d in w)
    return out


def words_of(text: str, added: Iterable[str] = (), stopwords: Iterable[str] = (),
             domain: Iterable[str] = ()) -> set[str]:
    """The distinct keywords of one text; `added` are cut whole, `domain` words also count where a longer
    word holds them."""
    return _words(_tokenizer([*added, *domain]), text, tuple(domain), set(stopwords))


def document_counts(texts: Iterable[str], added: Iterable[str] = (), stopwords: Iterable[str] = (),
                    domain: Iterable[str] = ()) -> Counter:
    """keyword → how many of the texts contain it (see words_of)."""
    tk, domain, stop = _tokenizer([*added, *domain]), tuple(domain), set(stopwords)
    out: Counter = Counter()
    for text in texts:
        out.update(_words(tk, text, domain, stop))
    return out
