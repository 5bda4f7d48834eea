"""What must follow new data, run by the importer after every import that wrote rows (dangqun.ingest), so
that ingest knows none of it: each hook takes the importer's connection. The data is committed by then, so
a hook that fails is logged, not reported as a failed import; what it would have prepared is found when
first asked (where the same failure shows)."""
from __future__ import annotations

import logging
from collections.abc import Callable


def refresh_alerts(con) -> None:
    """The latest month's 预警 found anew for the pages (dangqun.alerts.refresh)."""
    from dangqun import alerts

    alerts.refresh(con)


AFTER_IMPORT: list[Callable] = [refresh_alerts]


def after_import(con) -> None:
    """Run every AFTER_IMPORT hook in turn; one failing neither stops the others nor the import."""
    for hook in AFTER_IMPORT:
        try:
            hook(con)
        except Exception:  # noqa: BLE001 - see the module's docstring
            logging.getLogger(__name__).exception("导入后的处理未能完成：%s", hook.__name__)
