-- name: alert_item_counts(region, start, end, base_start, base_end, digits)
-- The 诉求突增 and 热点 rules' counts (dangqun.alerts): records received per 事项 in each unit (the region
-- code cut to `digits`: 9 for towns, the region's own length for the region as a whole) in the month
-- start..end and in the baseline months base_start..base_end, from item_counts (rollups for whole months).
-- grain: one row per unit and 事项 with records in the month or the baseline
-- key: unit_code, item_code
with

counts as (
    select
        unit_of(i.center_id, c.region_code, :digits) as unit_code,
        i.item_code,
        sum(case when i.month between :start::date and :end::date then i.received else 0 end) as received,
        sum(case when i.month between :base_start::date and :base_end::date then i.received else 0 end)
            as base_received
    from item_counts(:region, least(:start::date, :base_start::date), greatest(:end::date, :base_end::date),
                     '', '') i
    join centers c using (center_id)
    group by all
),

final as (
    select
        k.unit_code,
        coalesce(n.unit_name, k.unit_code) as unit_name,
        k.item_code,
        coalesce(g.item_name, k.item_code) as item_name,
        k.received::bigint as received,
        k.base_received::bigint as base_received
    from counts k
    left join unit_names(:digits) n using (unit_code)
    left join catalog g using (item_code)
)

select * from final
order by unit_code, item_code
