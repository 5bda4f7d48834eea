"""党群服务数据看板 — the entry point (`streamlit run serve.py` wraps it). Every page of the registry is served
through st.navigation at the address it always had (总览 at the root, the others at their file's name); the
frame (page config, login, sidebar, filters, header) runs here once per run, then the chosen page's script."""
import streamlit as st

from dangqun import registry, ui

# position "hidden": the sidebar draws its own links (ui.sidebar.navigation), which carry the filters in
# their address and leave out the administrators' pages for anyone else
page = st.navigation([st.Page(p.file, title=p.title, url_path=None if p.home else p.slug, default=p.home)
                      for p in registry.PAGES], position="hidden")
ui.run(registry.by_slug(page.url_path), page)
