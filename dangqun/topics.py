"""热点 as matters: groups of 诉求 about one matter (a place or an object and its problem), found in a month's
诉求内容 county by county (README「热点」). Runs without Streamlit.

1. Words: jieba with the parts of speech of its dictionary (as jieba.posseg tags them), the region
   dictionary's place names and config/alerts.toml's object and problem words cut whole. Only nouns, place
   and organisation names, other proper nouns and verbal nouns are kept (KEEP): function words (之前, 怎样,
   并且) fall out by their part of speech, not by a list. Personal names (nr) are left out too — they are
   residents, not matters.
2. Weights: TF-IDF over the month's texts and the month before's, so that a word every message uses (问题,
   情况) weighs little and the words of this month's matter weigh much.
3. Groups: two texts are linked when their TF-IDF vectors' cosine similarity reaches `similarity` and they
   share two words or more (a place or object, and a problem); a topic is
   a connected group of at least `min_size` texts of the month, less the texts a chain of links brought in
   that are not as similar to the group's centre. Deterministic: the same texts in the same
   order (by record id) give the same topics.
4. A topic's label is its heaviest words read as a matter — place, then object, then problem; its keywords
   the words that weigh most in it; its previous count the texts of the month before as similar to its
   centre.
5. Hot (config [topics]): at least hot_min_count texts and at least hot_min_share of the county's texts of
   the month. Rising against the month before (one-sided conditional binomial test, rise_alpha) raises it
   from 低 to 中 but is not needed: a matter that stays big for two months is hot in both.
"""
from __future__ import annotations

import logging
import threading
import tomllib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jieba
import jieba.posseg
import numpy as np
import pandas as pd

from dangqun import stats

jieba.setLogLevel(logging.WARNING)

CONFIG_PATH = Path(__file__).resolve().parent.parent / "config" / "alerts.toml"

# parts of speech that can name a matter (jieba's ICTCLAS tags): nouns, place names, organisation names,
# other proper nouns, verbal nouns, nominal words; everything else (pronouns, adverbs, conjunctions, idioms,
# particles, verbs, time words, numerals, personal names nr) is left out
KEEP = frozenset({"n", "ns", "nt", "nz", "vn", "nw", "an", "ng", "s"})
PLACE, PROBLEM = frozenset({"ns", "s"}), frozenset({"vn", "an"})
ADDED_FREQ = 20_000           # high enough that an added word is cut whole
_LOCK = threading.Lock()
_ADDED: dict[str, str] = {}


@dataclass(frozen=True)
class TopicConfig:
    similarity: float = 0.3       # cosine similarity at which two texts count as one matter
    min_size: int = 3             # the fewest texts a topic has
    keywords: int = 6             # keywords listed per topic
    max_chars: int = 300          # the first characters of a text that are read (the matter is said first)
    max_df: float = 0.3           # words in more of a county's texts than this share say nothing of a matter
    hot_min_count: int = 10
    hot_min_share: float = 0.01
    rise_alpha: float = 0.01
    max_alerts: int = 3           # hot topics alerted per county, the biggest
    examples: int = 3
    stored: int = 30              # topics kept per county and month (topic_member), the biggest
    objects: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


def load_config(path=None) -> TopicConfig:
    return _load_config(str(path or CONFIG_PATH))


@lru_cache(maxsize=8)
def _load_config(path: str) -> TopicConfig:
    with open(path, "rb") as f:
        raw = tomllib.load(f)["topics"]
    fields = TopicConfig.__dataclass_fields__
    kw = {k: (tuple(v) if isinstance(v, list) else v) for k, v in raw.items() if k in fields}
    return TopicConfig(**kw)


@dataclass
class Topic:
    label: str
    keywords: list[str]
    members: list[int]            # positions of the month's texts
    previous: list[int]           # positions of the month before's texts as similar to the topic's centre
    tags: dict[str, str] = field(default_factory=dict)   # keyword → part of speech


class Cutter:
    """Words of texts with their parts of speech, each distinct text cut once (a platform's templated
    messages repeat). jieba's dictionary is process-wide: added words stay added."""

    def __init__(self, places: Iterable[str] = (), cfg: TopicConfig | None = None):
        cfg = cfg or load_config()
        self.max_chars = cfg.max_chars
        add_words(places, "ns")
        add_words(cfg.objects, "nz")
        add_words(cfg.problems, "vn")
        self._tags = jieba.posseg.dt.word_tag_tab
        self._cache: dict[str, tuple[tuple[str, str], ...]] = {}

    def words(self, text: str) -> tuple[tuple[str, str], ...]:
        text = str(text or "")[: self.max_chars]
        got = self._cache.get(text)
        if got is None:
            got = self._cache[text] = tuple(self._cut(text))
        return got

    def _cut(self, text: str):
        # jieba.lcut with the dictionary's own tags is what jieba.posseg does without HMM, at half the cost
        seen = set()
        for w in jieba.lcut(text, HMM=False):
            flag = self._tags.get(w, "x")
            if flag in KEEP and len(w) >= 2 and w not in seen and not any(c.isdigit() or c == "*" for c in w):
                seen.add(w)
                yield w, flag


def add_words(words: Iterable[str], tag: str) -> None:
    """Words cut whole and tagged `tag`, once each per process."""
    with _LOCK:
        for w in sorted({w.strip() for w in words if w and w.strip()}):
            if _ADDED.get(w) != tag:
                jieba.add_word(w, ADDED_FREQ, tag)
                _ADDED[w] = tag
        # the tags of added words reach the tag table when posseg next cuts; Cutter reads the table itself
        jieba.posseg.dt.makesure_userdict_loaded()


def find(texts: Sequence[str], background: Sequence[str] = (), cutter: Cutter | None = None,
         cfg: TopicConfig | None = None) -> list[Topic]:
    """The topics of `texts` (one month's 诉求内容 of one county), biggest first (then by label);
    `background`: the month before's texts, which weigh the words and give each topic its previous count."""
    from scipy.sparse.csgraph import connected_components
    from sklearn.feature_extraction.text import TfidfVectorizer

    cfg = cfg or load_config()
    cutter = cutter or Cutter(cfg=cfg)
    if len(texts) < cfg.min_size:
        return []
    tags: dict[str, Counter] = {}
    docs = []
    for text in [*texts, *background]:
        words = cutter.words(text)
        for w, flag in words:
            tags.setdefault(w, Counter())[flag] += 1
        docs.append([w for w, _ in words])
    n_docs = len(docs)
    # max_df only where there are texts enough for a share to mean something
    vectorizer = TfidfVectorizer(analyzer=lambda words: words, sublinear_tf=True,
                                 max_df=cfg.max_df if n_docs >= 50 else 1.0)
    try:
        full = vectorizer.fit_transform(docs)
    except ValueError:          # no word at all
        return []
    matrix, before = full[: len(texts)], full[len(texts):]
    vocab = vectorizer.get_feature_names_out()
    sim = (matrix @ matrix.T).tocsr()
    sim.data[sim.data < cfg.similarity] = 0
    sim.eliminate_zeros()
    # and two texts share at least two words: one word alone (时候, 补贴) links texts about different matters
    binary = (matrix > 0).astype(np.int32)
    shared = (binary @ binary.T).tocsr()
    shared.data[shared.data < 2] = 0
    shared.eliminate_zeros()
    sim = sim.multiply(shared > 0).tocsr()
    _, group_of = connected_components(sim, directed=False)
    groups: dict[int, list[int]] = {}
    for i, g in enumerate(group_of):
        groups.setdefault(int(g), []).append(i)
    out = []
    for members in groups.values():
        members = _core(matrix, members, cfg.similarity)
        if len(members) < cfg.min_size:
            continue
        weight = np.asarray(matrix[members].sum(axis=0)).ravel()
        order = sorted(np.flatnonzero(weight), key=lambda j: (-weight[j], vocab[j]))
        keywords = [str(vocab[j]) for j in order[: cfg.keywords]]
        if not keywords:
            continue
        word_tags = {w: tags[w].most_common(1)[0][0] for w in keywords}
        centre = weight / (np.linalg.norm(weight) or 1)
        previous = (np.flatnonzero(before @ centre >= cfg.similarity).tolist() if before.shape[0] else [])
        out.append(Topic(label(keywords, word_tags), keywords, sorted(members), previous, word_tags))
    out.sort(key=lambda t: (-len(t.members), t.label))
    return out


def _core(matrix, members: list[int], similarity: float, rounds: int = 2) -> list[int]:
    """The texts of a connected group as similar to its centre as to a neighbour: a chain of links can join a
    text to a matter it does not speak of (补贴 ~ 什么时候 ~ 停水), and its centre does not hold it."""
    for _ in range(rounds):
        if len(members) < 2:
            break
        centre = np.asarray(matrix[members].sum(axis=0)).ravel()
        centre /= np.linalg.norm(centre) or 1
        kept = [m for m, c in zip(members, matrix[members] @ centre) if c >= similarity]
        if kept == members:
            break
        members = kept
    return members


def label(keywords: list[str], tags: dict[str, str]) -> str:
    """The matter in a few words read in order: the heaviest place, up to two objects, the heaviest problem
    (keywords are heaviest first)."""
    places = [w for w in keywords if tags.get(w) in PLACE][:1]
    problems = [w for w in keywords if tags.get(w) in PROBLEM][:1]
    room = max(1, 3 - len(places) - len(problems))
    objects = [w for w in keywords if w not in places and w not in problems][:room]
    return " ".join([*places, *objects, *problems])


# ── a month's topics of a region, county by county ───────────────────────────────────────────────

# the columns of topic_texts (queries/topic_texts.sql) the topics are found from
TEXT_COLUMNS = ("record_id", "county_code", "county_name", "town_code", "town_name", "region_code",
                "center_name", "received_at", "resident_hash", "this_month", "request_text")
# one row per topic (biggest first in each county), and one per record in a topic (topic_member's columns)
TOPIC_COLUMNS = ("topic_key", "county_code", "county_name", "unit_code", "unit_name", "label", "keywords",
                 "count", "residents", "first", "last", "previous", "towns", "centers", "volume",
                 "volume_before", "hot", "severity", "p_value", "examples", "record_ids", "previous_ids")


def of_month(texts: pd.DataFrame, places: Iterable[str] = (), cfg: TopicConfig | None = None) -> pd.DataFrame:
    """Every county's topics of the month from topic_texts' rows (TEXT_COLUMNS, sorted by record id), with
    their numbers (TOPIC_COLUMNS), biggest first; hot ones marked with their severity."""
    cfg = cfg or load_config()
    cutter = Cutter(places, cfg)
    rows = []
    for county, frame in texts.groupby("county_code", sort=True):
        now = frame[frame["this_month"].astype(bool)].reset_index(drop=True)
        before = frame[~frame["this_month"].astype(bool)].reset_index(drop=True)
        for t in find(now["request_text"].tolist(), before["request_text"].tolist(), cutter, cfg):
            rows.append(_numbers(t, now, before, cfg))
    out = pd.DataFrame(rows, columns=list(TOPIC_COLUMNS))
    if out.empty:
        return out
    out = out.sort_values(["count", "county_code", "label"], ascending=[False, True, True], kind="stable")
    # a county's label can repeat (two groups said alike): its key numbers them
    dup = out.groupby(["county_code", "label"]).cumcount()
    out["topic_key"] = [f"{c}:{lab}" + (f"#{d + 1}" if d else "")
                        for c, lab, d in zip(out["county_code"], out["label"], dup)]
    return out.reset_index(drop=True)


def _numbers(t: Topic, now: pd.DataFrame, before: pd.DataFrame, cfg: TopicConfig) -> dict:
    rec = now.iloc[t.members]
    n, prev, volume, volume_before = len(rec), len(t.previous), len(now), len(before)
    towns = rec.groupby("town_code", sort=False)["town_name"].first()
    counts = rec["town_code"].value_counts()
    # the alert's unit: the town when the matter lies in one, else the county
    one_town = len(counts) == 1
    unit_code = counts.index[0] if one_town else rec["county_code"].iloc[0]
    unit_name = towns.iloc[0] if one_town else rec["county_name"].iloc[0]
    hot = n >= cfg.hot_min_count and n >= cfg.hot_min_share * volume
    p = (stats.binom_sf(n, n + prev, volume / (volume + volume_before))
         if volume_before and n + prev else float("nan"))
    severity = ("中" if p == p and p < cfg.rise_alpha else "低") if hot else ""
    # examples: the texts nearest the start of the month are as good as any; three distinct ones
    examples = list(dict.fromkeys(rec["request_text"].astype(str)))[: cfg.examples]
    return dict(topic_key="", county_code=rec["county_code"].iloc[0], county_name=rec["county_name"].iloc[0],
                unit_code=unit_code, unit_name=unit_name, label=t.label, keywords=list(t.keywords), count=n,
                residents=int(rec["resident_hash"].nunique()), first=rec["received_at"].min(),
                last=rec["received_at"].max(), previous=prev,
                towns=[towns[c] for c in counts.index], centers=int(rec["center_name"].nunique()),
                volume=volume, volume_before=volume_before, hot=hot, severity=severity, p_value=p,
                examples=examples,
                record_ids=rec["record_id"].tolist(), previous_ids=before.iloc[t.previous]["record_id"].tolist())


# topic_member's columns (dangqun/schema.sql)
MEMBER_COLUMNS = ("period", "topic_key", "county_code", "rank", "label", "keywords", "hot", "severity",
                  "region_code", "town_code", "town_name", "center_name", "record_id", "this_month",
                  "received_at", "resident_hash", "request_text")


def member_rows(found: pd.DataFrame, texts: pd.DataFrame, period: str, cfg: TopicConfig | None = None) -> pd.DataFrame:
    """topic_member's rows: the records of each county's `stored` biggest topics, of the month and (as
    similar) of the month before."""
    cfg = cfg or load_config()
    if found is None or found.empty:
        return pd.DataFrame(columns=list(MEMBER_COLUMNS))
    found = found.assign(rank=found.groupby("county_code").cumcount() + 1)
    found = found[found["rank"] <= cfg.stored]
    now = found[["topic_key", "county_code", "rank", "label", "keywords", "hot", "severity", "record_ids"]].explode(
        "record_ids").rename(columns={"record_ids": "record_id"})
    before = found[["topic_key", "county_code", "rank", "label", "keywords", "hot", "severity", "previous_ids"]].explode(
        "previous_ids").rename(columns={"previous_ids": "record_id"}).dropna(subset=["record_id"])
    rows = pd.concat([now, before], ignore_index=True)
    rows["keywords"] = rows["keywords"].map(" ".join)
    cols = ["record_id", "region_code", "town_code", "town_name", "center_name", "this_month", "received_at",
            "resident_hash", "request_text"]
    rows = rows.merge(texts[cols], on="record_id", how="left").assign(period=period)
    return rows.reindex(columns=list(MEMBER_COLUMNS))


def listing(run, region: str, stored) -> pd.DataFrame:
    """The month's stored topics (`stored`: dangqun.alerts.Stored) with records in `region`, counted within it,
    biggest first: topic_list's columns with keywords as a list and examples, the first texts (three).
    `run(name, params)` runs a named query under the caller's scope."""
    from dangqun import regions

    cfg = load_config()
    got = run("topic_list", {"region": regions.prefix(region), "period": stored.period, "run_key": stored.key})
    if got.empty:
        return got.assign(examples=[])
    return got.assign(keywords=got["keywords"].str.split(" "),
                      examples=[list(dict.fromkeys(t))[: cfg.examples] for t in got["texts"]]).drop(columns=["texts"])
