"""Every page of the registry in both languages (AppTest), read as an official reads it: no word of the other
language in the interface — titles, notes, cards, buttons, widget labels, table headers (the downloads carry
the same headers), chart titles and axes. The data stay as they were entered (a region's or a center's name,
a 大类, a fund source), so the demo's own values are taken out of the text before it is judged."""
from __future__ import annotations

import json
import re

import pytest

from dangqun.registry import PAGES

COUNTY = "210681000000"      # 东港市: towns, brands, funds and alerts on every page
CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3001-\u3011]+")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Latin words that belong in the Chinese interface: file formats, units and the names the domain uses
CHINESE_UI_LATIN = {"CSV", "Excel", "Word", "PDF", "AB", "ID", "GB", "MB", "KB", "TOML", "UTF", "GBK", "xlsx", "csv",
                    "IDF", "TF", "JSON", "GeoJSON", "vs", "done", "rejected"}     # the inbox's folders on disk


@pytest.fixture(scope="module")
def data_values(demo_con) -> list[str]:
    """Every name and coded value of the demo that a page may show as it is, longest first."""
    columns = {"regions": ["region_name"],
               "centers": ["center_name", "brand_name", "brand_category", "center_type", "build_type"],
               "catalog": ["category_name", "item_name", "handling_mode"],
               "funds": ["fund_source", "source_dept", "purpose"],
               "activities": ["activity_type", "venue"],
               "service_records": ["channel", "status", "dissatisfaction_reason", "satisfaction", "group_tag"]}
    values = set()
    # a topic's label is made of the residents' own words (热点诉求, 预警's 热点): data, as a name is
    values |= {w for (label,) in demo_con.execute("select distinct label from topic_member").fetchall()
               for w in [label, *label.split(" ")]}
    for table, cols in columns.items():
        for col in cols:
            values |= {v for (v,) in demo_con.execute(f"select distinct {col} from {table} where {col} is not null")
                       .fetchall() if isinstance(v, str) and v.strip()}
    return sorted(values, key=len, reverse=True)


# the 通报 is a 公文 sent upward and stays Chinese in the English interface (its page says so): there only the
# page around it is judged — its title, notes and controls, not the report's headings, paragraphs and tables
REPORT_BODY = ("header", "subheader", "markdown", "warning", "dataframe", "plotly_chart")


def interface_texts(at, skip=()) -> list[str]:
    """What the page says in its own words: the elements' texts, widget labels and options, table headers,
    chart titles, axis and legend titles; not the element kinds in `skip`."""
    texts = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error", "success"):
        if kind in skip:
            continue
        texts += [e.value for e in at.get(kind) if isinstance(getattr(e, "value", None), str)]
    texts += [f"{m.label} {m.value}" for m in at.metric]
    for kind in ("button", "download_button", "selectbox", "multiselect", "radio", "text_input", "date_input",
                 "checkbox", "toggle", "number_input", "text_area", "file_uploader", "page_link"):
        for w in at.get(kind):
            texts.append(str(getattr(w, "label", "") or getattr(w.proto, "label", "")))
            texts += [str(o) for o in getattr(w.proto, "options", [])]
    for df in [] if "dataframe" in skip else at.dataframe:
        texts += [str(c) for c in df.value.columns]
    for chart in [] if "plotly_chart" in skip else at.get("plotly_chart"):
        layout = json.loads(chart.proto.spec)["layout"]
        title = layout.get("title") or {}
        texts += [title.get("text", ""), (title.get("subtitle") or {}).get("text", "")]
        for axis, spec in layout.items():
            if axis.startswith(("xaxis", "yaxis")) and isinstance(spec, dict):
                texts.append(((spec.get("title") or {}).get("text")) or "")
        texts.append(((layout.get("legend") or {}).get("title") or {}).get("text", "") or "")
    return [t for t in texts if t]


@pytest.fixture()
def account_names(app_db) -> list[str]:
    """The names the operational store holds, data too: every account's user name and display name (the
    账号管理 list, the sidebar) and every user name in the audit log (a name typed at a failed login, the
    system's own 收件箱 and 系统升级), as they stand when the page is opened (other tests add accounts)."""
    from dangqun import audit, auth
    from dangqun.ui import data

    store = data.state()
    names = {n for acc in auth.load_accounts(store).values() for n in (acc.name, acc.display_name)}
    names |= set(audit.users(store)["user_name"])
    return sorted((n for n in names if n), key=len, reverse=True)


# the language switch names each language in its own words
KEPT = ["中文", "English"]


def without_data(text: str, values: list[str]) -> str:
    # a path on the server (the inbox's folder), not the end of a tag typed as a user name (</script>)
    text = re.sub(r"(?<![\w<])/(?:[\w.-]+/)+[\w.-]+", " ", text)
    for v in values:
        if v in text:
            text = text.replace(v, " ")
    return text


@pytest.mark.parametrize("registered", PAGES, ids=lambda p: p.name)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_word_of_the_other_language(open_page, data_values, account_names, registered, lang):
    at = open_page(registered.file, county=COUNTY, lang=lang)
    assert not at.exception
    wrong = []
    for text in interface_texts(at, REPORT_BODY if (registered.name, lang) == ("report", "en") else ()):
        plain = re.sub(r"<[^>]+>", " ", without_data(text, KEPT + account_names + data_values))
        if lang == "en":
            found = CJK.findall(plain)
        else:
            # an English word left in the Chinese interface (Streamlit's own, an untranslated key)
            found = [w for w in LATIN_WORD.findall(re.sub(r":\w+\[|:material/\w+:|\*\*", " ", plain))
                     if w not in CHINESE_UI_LATIN]
        if found:
            wrong.append(f"{'、'.join(found)}  ←  {text[:120]}")
    assert wrong == [], "\n".join(wrong)
