-- name: alert_statuses(period)
-- What officials recorded about the alerts of a month (dangqun.alerts): status, note, by whom and when.
-- The alerts are recomputed from the records; these rows are joined to them by alert_key.
-- grain: one row per alert of the month someone acted on
-- key: alert_key
select alert_key, status, note, updated_by, updated_at
from alert_status
where period = :period
order by alert_key
