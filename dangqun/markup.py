"""Values from data, files and links shown as text where Streamlit renders Markdown (README 部署与安全).

st.info, st.caption, st.markdown, expander and button labels all read their text as Markdown, so a
center named `![n](http://host/x.png) [钓鱼](http://host/y)` would load the image and show a link,
and `:red[…]` or `$…$` would restyle it. `md()` backslash-escapes every ASCII punctuation character
(CommonMark lets each be escaped, and Streamlit's directives honour the escapes) and folds line breaks,
so the text reads exactly as stored. Escapes do not stop GitHub-style autolinks, which Streamlit finds
in the text after parsing (`http://…`, `www.…`, `name@host`): a zero-width space after `:` before `//`,
after `www` and after `@` breaks them without changing what is seen. Plotly's labels are escaped apart:
dangqun.charts.plain.
Streamlit-free.
"""
from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)
ZWSP = "\u200b"


def md(value) -> str:
    """`value` as Markdown that renders as its own characters."""
    text = _AUTOLINK.sub(ZWSP, re.sub(r"[\r\n]+", " ", str(value)))
    return _PUNCTUATION.sub(r"\\\1", text)
