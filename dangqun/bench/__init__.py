"""The benchmark (`python -m dangqun bench …`, README "Performance"): a harness around the dashboard, never
imported by it. Importing this package loads nothing; each part is a module of its own:

- imports.py     `bench import`: import speed of generated service-record exports (CSV UTF-8/GBK, XLSX)
- pages.py       `bench [--records N]`: each benched page's script time on a fixed filter sequence, cached
                 demo databases under .bench/
- pandas_way.py  the yardstick: the same numbers computed with pandas over one DataFrame of all records
- sessions.py    `bench --sessions K`: K concurrent sessions, and an import committing while they read
- harness.py     the only module touching Streamlit's test harness: AppTest driving, and the patches for
                 threads (in dangqun.streamlit_door), tied to the Streamlit version they were written against
- run.py         the command: each size in turn, a table or one JSON line per size
"""
