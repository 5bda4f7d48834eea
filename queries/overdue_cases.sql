-- name: overdue_cases(region, start, end, category, channel, max_rows)
-- Which cases are late (超期件, the macros' is_overdue: closed after due_on, or still open —
-- 待受理/办理中/延期 — with due_on before the window's end), latest first by calendar days past the
-- deadline (to the closing day, or to the window's end for open cases); at most max_rows rows,
-- total_overdue says how many there are in all. Working days overdue are computed in
-- dangqun.overdue from due_on, closed_at and the as-of day.
-- grain: one row per overdue service record (at most max_rows)
with

records as (
    select * from late_records(:region, :start, :end, :category, :channel)
),

late as (
    select
        r.record_id,
        r.center_id,
        r.center_name,
        r.region_code,
        r.item_code,
        coalesce(c.item_name, r.item_code) as item_name,
        r.received_at,
        r.promised_days,
        r.due_on,
        r.closed_at,
        r.status,
        coalesce(r.closed_at::date, :end::date) - r.due_on as days_late,
        count(*) over () as total_overdue
    from records r
    left join catalog c using (item_code)
),

final as (
    select * from late
    order by days_late desc, due_on, record_id
    limit :max_rows
)

select * from final
order by days_late desc, due_on, record_id
