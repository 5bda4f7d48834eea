-- name: alert_backlog(region, as_of)
-- The 超期积压 rule's cases (dangqun.alerts): records still open at the end of the day as_of whose
-- deadline had passed by then — open now, or closed only after as_of — with the town (乡镇街道) they
-- count under. Read from late_records, which holds every record that can be late, received any time up
-- to as_of; the working days past each deadline are counted in Python (dangqun.workdays).
-- grain: one row per service record open and past its deadline at as_of
-- key: record_id
with

late as (
    select *, unit_of(center_id, region_code, 9) as unit_code
    from late_records(:region, date '2000-01-01', :as_of, '', '')
    where due_on < :as_of::date
      and (is_open or closed_at::date > :as_of::date)
),

final as (
    select
        l.record_id,
        l.unit_code,
        unit_name(l.unit_code, 9) as unit_name,
        l.center_name,
        l.item_code,
        l.received_at,
        l.due_on,
        l.status
    from late l
)

select * from final
order by unit_code, due_on, record_id
