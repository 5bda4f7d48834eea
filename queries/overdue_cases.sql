-- name: overdue_cases(region, start, end, category, channel, max_rows)
-- Which cases are late (超期件, the macros' is_overdue: closed after due_on, or still open —
-- 待受理/办理中/延期 — with due_on before the window's end), latest first by calendar days past the
-- deadline (to the closing day, or to the window's end for open cases); at most max_rows rows (how
-- many there are in all is kpi_summary's overdue). Working days overdue are computed in
-- dangqun.overdue from due_on, closed_at and the as-of day.
-- grain: one row per overdue service record (at most max_rows)
-- key: record_id
with

records as (
    select * from late_records(:region, :start, :end, :category, :channel)
),

-- the page first, then its names: a top-N over the late records, not a sort of all of them
latest as (
    select
        record_id, center_id, center_name, region_code, item_code, received_at, promised_days, due_on,
        closed_at, status,
        coalesce(closed_at::date, :end::date) - due_on as days_late
    from records
    order by days_late desc, due_on, record_id
    limit :max_rows
),

final as (
    select
        l.record_id,
        l.center_id,
        l.center_name,
        l.region_code,
        l.item_code,
        coalesce(c.item_name, l.item_code) as item_name,
        l.received_at,
        l.promised_days,
        l.due_on,
        l.closed_at,
        l.status,
        l.days_late
    from latest l
    left join catalog c using (item_code)
)

select * from final
order by days_late desc, due_on, record_id
