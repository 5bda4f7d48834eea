-- name: alert_statuses(period)
-- What officials recorded about the alerts of a month (dangqun.alerts): status, note, by whom and when.
-- The alerts are recomputed from the records; these rows are joined to them by alert_key. Only the rows
-- of units holding a center in the caller's scope (the runner's centers view): alert_status itself has
-- no center to scope it by.
-- grain: one row per alert of the month someone acted on
-- key: alert_key
select s.alert_key, s.status, s.note, s.updated_by, s.updated_at
from alert_status s
where s.period = :period
  and exists (select 1 from centers c where c.region_code like rtrim(s.unit_code, '0') || '%')
order by s.alert_key
