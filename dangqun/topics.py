"""热点 as matters: groups of 诉求 about one matter (a place or an object and its problem), found in a month's
诉求内容 county by county (README「热点：话题」). Runs without Streamlit.

1. Words: jieba with the parts of speech of its dictionary (as jieba.posseg tags them), the region
   dictionary's place names and config/alerts.toml's object and problem words cut whole. Only nouns, place
   and organisation names, other proper nouns and verbal nouns are kept (KEEP): function words (之前, 怎样,
   并且) fall out by their part of speech, not by a list. Personal names (nr) are left out too — they are
   residents, not matters.
2. Weights: TF-IDF over the month's texts and the month before's, so that a word every message uses (问题,
   情况) weighs little and the words of this month's matter weigh much. Each distinct text is read once and
   counts as often as it was sent.
3. Groups: two texts are linked when their TF-IDF vectors' cosine similarity reaches `similarity` and they
   share two words or more (a place or object, and a problem). Of each connected group the texts that speak
   of its matter form a topic (near its centre, saying two of its three heaviest words); what a chain of
   links brought in besides is grouped again the same way, and a small group speaking of a bigger one's
   matter joins it. Deterministic: the same texts in the same order (by record id) give the same topics.
4. A topic's label is the matter in a few words — place, then object, then problem — taken from its heavier
   words those most of its texts say, said earliest; its keywords the words that weigh most in it; its
   previous count the texts of the month before that speak of it.
5. Hot (config [topics]): at least hot_min_count texts, at least hot_min_share of the county's texts of the
   month, and at least hot_town_share of them in one town (a matter has its place: the same question asked
   all over a county is the 事项's volume, which 服务办理 shows). Rising against the month before (one-sided
   conditional binomial test, rise_alpha) raises it from 低 to 中 but is not needed: a matter that stays big
   for two months is hot in both.
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
# a text of a group belongs to its matter at this share of `similarity` to the group's centre (a centre
# averages many texts' words, so a text of the matter in words of its own sits further from it than from
# its neighbour)
CORE = 0.5
ADDED_FREQ = 20_000           # high enough that an added word is cut whole
_LOCK = threading.Lock()
_ADDED: dict[str, str] = {}


@dataclass(frozen=True)
class TopicConfig:
    similarity: float = 0.3       # cosine similarity at which two texts count as one matter
    min_size: int = 3             # the fewest texts a topic has
    keywords: int = 6             # keywords listed per topic
    max_chars: int = 300          # the first characters of a text that are read (the matter is said first)
    max_df: float = 0.1           # words in more of a county's texts than this share say nothing of a matter
    max_df_from: int = 200        # ... where there are this many texts (two months) for a share to mean much
    hot_min_count: int = 10
    hot_min_share: float = 0.01
    hot_town_share: float = 0.5   # a matter has its place: at least this share of its texts in one town
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
        self._runs: dict[str, tuple[tuple[str, str], ...]] = {}

    def words(self, text: str) -> tuple[tuple[str, str], ...]:
        text = str(text or "")[: self.max_chars]
        got = self._cache.get(text)
        if got is None:
            got = self._cache[text] = tuple(self._cut(text))
        return got

    def _cut(self, text: str):
        # jieba.lcut with the dictionary's own tags is what jieba.posseg does without HMM, at half the cost;
        # jieba cuts each run of letters between punctuation on its own, so each distinct run is cut once
        # (messages repeat their greetings, places and closings)
        seen = set()
        for run in jieba.re_han_default.findall(text):
            for w, flag in self._run(run):
                if w not in seen:
                    seen.add(w)
                    yield w, flag

    def _run(self, run: str) -> tuple[tuple[str, str], ...]:
        got = self._runs.get(run)
        if got is None:
            got = self._runs[run] = tuple(
                (w, f) for w in jieba.lcut(run, HMM=False) if (f := self._tags.get(w, "x")) in KEEP and len(w) >= 2
                and not any(c.isdigit() or c == "*" for c in w))
        return got


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
    `background`: the month before's texts, which weigh the words and give each topic its previous count.
    Each distinct text is read once and counts as often as it was sent (a platform's templated messages,
    a resident's copies), so a county's month costs what its distinct texts cost."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    cfg = cfg or load_config()
    cutter = cutter or Cutter(cfg=cfg)
    if len(texts) < cfg.min_size:
        return []
    now_of, now_texts = _distinct(texts)
    before_of, before_texts = _distinct(background)
    mult = np.bincount(now_of, minlength=len(now_texts)).astype(float)
    now_at, before_at = _positions(now_of, len(now_texts)), _positions(before_of, len(before_texts))
    tags: dict[str, Counter] = {}
    docs = []
    for text in [*now_texts, *before_texts]:
        words = cutter.words(text)
        for w, flag in words:
            tags.setdefault(w, Counter())[flag] += 1
        docs.append([w for w, _ in words])
    # max_df only where there are texts enough for a share to mean something
    vectorizer = TfidfVectorizer(analyzer=lambda words: words, sublinear_tf=True,
                                 max_df=cfg.max_df if len(docs) >= cfg.max_df_from else 1.0)
    try:
        full = vectorizer.fit_transform(docs)
    except ValueError:          # no word at all
        return []
    matrix, before = full[: len(now_texts)], full[len(now_texts):]
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
    index = {w: j for j, w in enumerate(vocab)}
    groups = _Groups(sim, matrix, mult, cfg)
    before_columns = before.tocsc()

    def topic(members: list[int]) -> Topic | None:
        weight = groups.weight(members)
        order = sorted(np.flatnonzero(weight), key=lambda j: (-weight[j], vocab[j]))
        keywords = [str(vocab[j]) for j in order[: cfg.keywords]]
        if not keywords:
            return None
        size = mult[members].sum()
        # a place names the topic only where most of its texts say it (a question asked all over a county
        # has no place, however heavy one village's name weighs in it)
        held = (matrix[members] > 0).T @ mult[members]
        # the label's words: of the heavier ones, those most of its texts say, said earliest (a resident
        # says the matter first; a long letter's rare words weigh much and name nothing)
        candidates = [str(vocab[j]) for j in order[: 2 * cfg.keywords]]
        first_at = {w: np.mean([docs[m].index(w) if w in docs[m] else len(docs[m]) for m in members])
                    for w in candidates}
        candidates.sort(key=lambda w: (-held[index[w]], first_at[w], w))
        word_tags = {w: tags[w].most_common(1)[0][0] for w in {*keywords, *candidates}}
        word_tags = {w: ("" if f in PLACE and held[index[w]] * 2 < size else f) for w, f in word_tags.items()}
        similar = _speaking(before, None, weight, cfg.similarity, before_columns)
        return Topic(label(candidates, word_tags), keywords,
                     sorted(i for u in members for i in now_at[u]), sorted(i for u in similar for i in before_at[u]),
                     {w: word_tags[w] for w in keywords})

    # a group whose texts mostly speak of a bigger group's matter is that matter (a core and what it left
    # out, grouped again, in other words: 噪音扰民 and 严重影响休息)
    merged: list[tuple[list[int], np.ndarray, set]] = []     # members, their words' weights, 3 heaviest
    found = groups.all(list(range(len(now_texts))))
    for members in sorted(found, key=lambda m: (-mult[m].sum(), m[0])):
        said = set(matrix[members].indices.tolist())
        # a text speaks of a matter only saying two of its three heaviest words: a cheap test first
        into = next((big for big in merged if len(big[2] & said) >= 2 and 2 * mult[
            _speaking(matrix, members, big[1], cfg.similarity)].sum() >= mult[members].sum()), None)
        if into is None:
            weight = groups.weight(members)
            merged.append((list(members), weight, set(np.argsort(-weight, kind="stable")[:3].tolist())))
        else:
            into[0].extend(members)
    out = [t for members, _, _ in merged if (t := topic(sorted(members))) is not None]
    out.sort(key=lambda t: (-len(t.members), t.label))
    return out


def _distinct(texts: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Each text's position among the distinct texts (in first-seen order), and those texts."""
    seen: dict[str, int] = {}
    of = np.array([seen.setdefault(str(x), len(seen)) for x in texts], dtype=np.int64)
    return of, list(seen)


def _positions(of: np.ndarray, n: int) -> list[list[int]]:
    """For each distinct text, the positions of the texts that are it."""
    out: list[list[int]] = [[] for _ in range(n)]
    for i, u in enumerate(of.tolist()):
        out[u].append(i)
    return out


class _Groups:
    """The topics' members among the distinct texts: each connected group's core (_core); what a core leaves
    out is grouped again the same way, since a chain can join two matters and the centre keep only the
    bigger. A group's size and words count each text as often as it was sent (`mult`)."""

    def __init__(self, sim, matrix, mult: np.ndarray, cfg: TopicConfig):
        self.sim, self.matrix, self.mult, self.cfg = sim, matrix, mult, cfg

    def weight(self, members: list[int]) -> np.ndarray:
        """The members' words, summed as often as each was sent."""
        return np.asarray(self.matrix[members].T @ self.mult[members]).ravel()

    def all(self, nodes: list[int]) -> list[list[int]]:
        from scipy.sparse.csgraph import connected_components

        out, todo = [], [nodes]
        while todo:
            nodes = todo.pop()
            _, group_of = connected_components(self.sim[nodes][:, nodes], directed=False)
            groups: dict[int, list[int]] = {}
            for i, g in zip(nodes, group_of):
                groups.setdefault(int(g), []).append(i)
            for members in groups.values():
                if self.mult[members].sum() < self.cfg.min_size:
                    continue
                core = self._core(members) or self._seeded(members)
                if self.mult[core].sum() >= self.cfg.min_size:
                    out.append(core)
                rest = sorted(set(members) - set(core))
                # every round takes at least one text out, so this ends
                if self.mult[rest].sum() >= self.cfg.min_size:
                    todo.append(rest)
        return out

    def _seeded(self, members: list[int]) -> list[int]:
        """Where nobody speaks of a group's centre (a long chain of several matters): the matter of its most
        sent text and that text's neighbours, else that text alone."""
        seed = max(members, key=lambda m: (self.mult[m], -m))
        near = set(self.sim[seed].indices.tolist()) & set(members) | {seed}
        ego = sorted(near)
        return self._core(ego) or [seed]

    def _core(self, members: list[int], rounds: int = 3) -> list[int]:
        """The texts of a connected group that speak of its matter (_speaking of its own centre): a chain of
        links can join a text to a matter it does not speak of (补贴 ~ 什么时候 ~ 停水; 搅拌站…影响正常生活 ~
        油烟…影响正常生活)."""
        for _ in range(rounds):
            if len(members) < 2:
                break
            kept = _speaking(self.matrix, members, self.weight(members), self.cfg.similarity)
            if kept == members:
                break
            members = kept
        return members


def _speaking(matrix, rows: list[int] | None, weight, similarity: float, columns=None) -> list[int]:
    """The `rows` of `matrix` (None: all of them) that speak of the matter whose words weigh `weight`: saying
    at least two of its three heaviest words, and near its centre (CORE × similarity). `columns`: the
    matrix by column (CSC), to find the rows saying the words without reading every row."""
    heaviest = np.argsort(-weight, kind="stable")[:3]
    if rows is None:
        columns = columns if columns is not None else matrix.tocsc()
        hits = np.concatenate([columns.indices[columns.indptr[j]:columns.indptr[j + 1]] for j in heaviest])
        says = np.bincount(hits, minlength=matrix.shape[0])
        rows = np.flatnonzero(says >= 2)
    else:
        rows = np.asarray(rows, dtype=np.int64)
        if not len(rows):
            return []
        says = np.asarray((matrix[rows][:, heaviest] > 0).sum(axis=1)).ravel()
        rows = rows[says >= 2]
    if not len(rows):
        return []
    centre = weight / (np.linalg.norm(weight) or 1)
    near = np.asarray(matrix[rows] @ centre).ravel()
    return rows[near >= similarity * CORE].tolist()


def label(keywords: list[str], tags: dict[str, str]) -> str:
    """The matter in a few words read in order: a place, up to two objects, a problem, each the first of its
    kind in `keywords` (find orders them: said by most of the topic's texts, earliest)."""
    places = [w for w in keywords if tags.get(w) in PLACE][:1]
    problems = [w for w in keywords if tags.get(w) in PROBLEM][:1]
    room = max(1, 3 - len(places) - len(problems))
    # a place most texts do not say (tagged "" by find) names nothing of the topic
    objects = [w for w in keywords if w not in places and w not in problems and tags.get(w) != ""][:room]
    return " ".join([*places, *objects, *problems])


# ── a month's topics of a region, county by county ───────────────────────────────────────────────

# the columns of topic_texts (queries/topic_texts.sql) the topics are found from
TEXT_COLUMNS = ("record_id", "county_code", "county_name", "town_code", "town_name", "region_code",
                "center_name", "received_at", "resident_hash", "this_month", "request_text")
# one row per topic (biggest first in each county), and one per record in a topic (topic_member's columns)
TOPIC_COLUMNS = ("topic_key", "county_code", "county_name", "unit_code", "unit_name", "label", "keywords",
                 "count", "residents", "first", "last", "previous", "towns", "centers", "volume",
                 "volume_before", "hot", "severity", "p_value", "examples", "record_ids", "previous_ids")


def of_month(texts: pd.DataFrame, places: Iterable[str] = (), cfg: TopicConfig | None = None,
             cutter: Cutter | None = None) -> pd.DataFrame:
    """Every county's topics of the month from topic_texts' rows (TEXT_COLUMNS, sorted by record id), with
    their numbers (TOPIC_COLUMNS), biggest first; hot ones marked with their severity. `cutter`: one made
    with the places already (to cut several months' texts once each)."""
    cfg = cfg or load_config()
    cutter = cutter or Cutter(places, cfg)
    rows = []
    for county, frame in texts.groupby("county_code", sort=True):
        now = frame[frame["this_month"].astype(bool)].reset_index(drop=True)
        before = frame[~frame["this_month"].astype(bool)].reset_index(drop=True)
        # plain arrays, converted once: a county's month has hundreds of topics
        columns = {c: now[c].to_numpy() for c in ("town_code", "town_name", "received_at", "request_text",
                                                   "resident_hash", "center_name", "record_id")}
        before_ids = before["record_id"].to_numpy()
        for t in find(now["request_text"].tolist(), before["request_text"].tolist(), cutter, cfg):
            rows.append(_numbers(t, now, columns, before_ids, cfg))
    out = pd.DataFrame(rows, columns=list(TOPIC_COLUMNS))
    if out.empty:
        return out
    out = out.sort_values(["count", "county_code", "label"], ascending=[False, True, True], kind="stable")
    # a county's label can repeat (two groups said alike): its key numbers them
    dup = out.groupby(["county_code", "label"]).cumcount()
    out["topic_key"] = [f"{c}:{lab}" + (f"#{d + 1}" if d else "")
                        for c, lab, d in zip(out["county_code"], out["label"], dup)]
    return out.reset_index(drop=True)


def _numbers(t: Topic, now: pd.DataFrame, columns: dict, before_ids: np.ndarray, cfg: TopicConfig) -> dict:
    at = np.asarray(t.members)
    col = lambda name: columns[name][at]  # noqa: E731
    town_codes, town_names = col("town_code"), col("town_name")
    counts = Counter(town_codes.tolist())
    order = sorted(counts, key=lambda c: (-counts[c], c))
    name_of = dict(zip(town_codes.tolist(), town_names.tolist()))
    n, prev, volume, volume_before = len(at), len(t.previous), len(now), len(before_ids)
    county, county_name = now["county_code"].iloc[0], now["county_name"].iloc[0]
    # the alert's unit: the town when the matter lies in one, else the county
    one_town = len(order) == 1
    hot = (n >= cfg.hot_min_count and n >= cfg.hot_min_share * volume
           and counts[order[0]] >= cfg.hot_town_share * n)
    p = (stats.binom_sf(n, n + prev, volume / (volume + volume_before))
         if volume_before and n + prev else float("nan"))
    severity = ("中" if p == p and p < cfg.rise_alpha else "低") if hot else ""
    received = pd.to_datetime(col("received_at"))
    texts = col("request_text")
    residents = {h for h in col("resident_hash").tolist() if h is not None and h == h}
    return dict(topic_key="", county_code=county, county_name=county_name,
                unit_code=order[0] if one_town else county, unit_name=name_of[order[0]] if one_town else county_name,
                label=t.label, keywords=list(t.keywords), count=n, residents=len(residents),
                first=received.min(), last=received.max(), previous=prev, towns=[name_of[c] for c in order],
                centers=len(set(col("center_name").tolist())), volume=volume, volume_before=volume_before,
                hot=hot, severity=severity, p_value=p,
                # examples: the first three distinct texts (by record id) are as good as any
                examples=list(dict.fromkeys(str(x) for x in texts))[: cfg.examples],
                record_ids=col("record_id").tolist(),
                previous_ids=before_ids[np.asarray(t.previous, dtype=int)].tolist())


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
