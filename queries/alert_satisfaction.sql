-- name: alert_satisfaction(region, start, end, base_start, base_end)
-- The 满意率 rules' counts (dangqun.alerts): for each town (乡镇街道) of the region with 有效回访 in the
-- month start..end, its valid, satisfied and basically satisfied answers in that month and in its own
-- baseline months base_start..base_end (the trailing twelve), from the rollups (whole months).
-- grain: one row per town with records in the month
-- key: unit_code
with

month_counts as (
    select * from unit_record_counts(:region, :start, :end, '', '', 9)
),

base_counts as (
    select * from unit_record_counts(:region, :base_start, :base_end, '', '', 9)
),

final as (
    select
        m.unit_code,
        coalesce(n.unit_name, m.unit_code) as unit_name,
        m.valid,
        m.satisfied,
        m.basic,
        coalesce(b.valid, 0) as base_valid,
        coalesce(b.satisfied, 0) as base_satisfied,
        coalesce(b.basic, 0) as base_basic
    from month_counts m
    left join base_counts b using (unit_code)
    left join unit_names(9) n using (unit_code)
)

select * from final
order by unit_code
