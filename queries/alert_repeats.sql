-- name: alert_repeats(region, start, end, window_days, min_count)
-- The 重复诉求 rule's cases (dangqun.alerts): the same resident (the salted resident_hash) on the same
-- 事项 in the same town (乡镇街道, the alert's unit) min_count or more times within window_days days, at
-- least once so by a record received in the month start..end. Counted within a town, so that an alert and
-- its cases lie wholly inside every scope that holds its town. Listed are that resident's records of that
-- 事项 in that town from window_days days before the month to its end; names and phones are the masked
-- ones stored.
-- grain: one row per service record of a flagged resident, 事项 and town
-- key: record_id
with

-- every record of the window as one 64-bit key of resident, 事项 and town: grouping 3.7 million records
-- (20M in all) on one number instead of three strings halves the query; the keys' rare collisions only
-- let a few more through to the exact window below, which partitions by the strings themselves
keys as (
    select hash(resident_hash, item_code, left(region_code, 9)) as k, received_at
    from filtered_records(:region, :start::date - :window_days::int + 1, :end, '', '')
    where resident_hash is not null
),

-- only a resident, 事项 and town with min_count records in all, one of them in the month, can be flagged:
-- the details and the window below are read for those few instead of every record
candidates as (
    select k
    from keys
    group by k
    having count(*) >= :min_count and max(received_at) >= :start::timestamp
),

recent as (
    select
        record_id, resident_hash, item_code, received_at, center_id, center_name, region_code,
        left(region_code, 9) as town, resident_name, phone, status
    from filtered_records(:region, :start::date - :window_days::int + 1, :end, '', '')
    where resident_hash is not null
      and hash(resident_hash, item_code, left(region_code, 9)) in (select k from candidates)
),

counted as (
    select
        r.*,
        count(*) over (partition by r.resident_hash, r.item_code, r.town order by r.received_at
                       range between to_days(:window_days::int - 1) preceding and current row) as in_window
    from recent r
),

flagged as (
    select resident_hash, item_code, town
    from counted
    where received_at >= :start::timestamp and in_window >= :min_count
    group by all
),

final as (
    select
        r.record_id,
        r.resident_hash,
        r.item_code,
        coalesce(g.item_name, r.item_code) as item_name,
        r.received_at,
        r.center_name,
        unit_of(r.center_id, r.region_code, 9) as unit_code,
        coalesce(n.unit_name, unit_of(r.center_id, r.region_code, 9)) as unit_name,
        r.resident_name,
        r.phone,
        r.status
    from recent r
    join flagged f using (resident_hash, item_code, town)
    left join catalog g using (item_code)
    left join unit_names(9) n on n.unit_code = unit_of(r.center_id, r.region_code, 9)
)

select * from final
order by resident_hash, item_code, unit_code, received_at, record_id
