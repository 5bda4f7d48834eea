-- name: alert_cases(alert_key, run_key)
-- The records behind one stored 重复诉求, 超期积压 or 热点 alert (alert_case, written with alert_found by
-- dangqun.alerts.ensure), when its month was found from what run_key names; only in the caller's scope
-- (the runner's alert_case view). Names and phones are the masked ones stored.
-- grain: one row per record behind the alert
-- key: record_id
with

current_run as (
    select period
    from alert_run
    where run_key = :run_key
),

final as (
    select
        c.record_id,
        c.received_at,
        c.center_name,
        c.item_code,
        c.item_name,
        c.resident_name,
        c.phone,
        c.status,
        c.due_on,
        c.request_text
    from alert_case c
    semi join current_run using (period)
    where c.alert_key = :alert_key
)

select * from final
order by received_at, record_id
