"""Values from data shown as text (README 部署与安全): markup.md for Markdown, charts.plain for Plotly."""
from __future__ import annotations

import pandas as pd

from dangqun.charts import plain
from dangqun.markup import ZWSP, md


def test_md_escapes_links_images_and_directives():
    assert md("![n](http://host/x.png) [钓鱼](http://host/y)") == \
        f"\\!\\[n\\]\\(http\\:{ZWSP}\\/\\/host\\/x\\.png\\) \\[钓鱼\\]\\(http\\:{ZWSP}\\/\\/host\\/y\\)"
    assert md(":red[x] $x$ **b**") == "\\:red\\[x\\] \\$x\\$ \\*\\*b\\*\\*"
    assert md("# 标题\n- 项") == "\\# 标题 \\- 项"                 # no header, no list: one line
    assert md("www.a.cn a@b.cn") == f"www{ZWSP}\\.a\\.cn a\\@{ZWSP}b\\.cn"
    assert md("长山镇卧龙村党群服务中心") == "长山镇卧龙村党群服务中心"


def test_plain_escapes_html_for_plotly():
    assert plain('<a href="http://h/z">品牌</a> & <br>') == '&lt;a href="http://h/z"&gt;品牌&lt;/a&gt; &amp; &lt;br&gt;'
    escaped = plain(pd.Series(["<b>x</b>", None]))
    assert escaped.iloc[0] == "&lt;b&gt;x&lt;/b&gt;" and escaped.isna().iloc[1]
    assert plain(["a<b", 3]) == ["a&lt;b", 3]
