-- name: alert_satisfaction(region, start, end, base_start, base_end)
-- The 满意率 rules' counts (dangqun.alerts): for each town (乡镇街道) of the region with 有效回访 in the
-- month start..end, its valid, satisfied and basically satisfied answers in that month and in its own
-- baseline months base_start..base_end (the trailing twelve), from the rollups (whole months).
-- grain: one row per town with records in the month
-- key: unit_code
with

month_counts as (
    select unit_code, valid, satisfied, basic
    from unit_record_counts(:region, :start, :end, '', '', 9)
),

base_counts as (
    select unit_code, valid as base_valid, satisfied as base_satisfied, basic as base_basic
    from unit_record_counts(:region, :base_start, :base_end, '', '', 9)
),

final as (
    select
        m.unit_code,
        unit_name(m.unit_code, 9) as unit_name,
        m.* exclude (unit_code),
        -- 0 where the town had no records in its baseline
        coalesce(columns(b.* exclude (unit_code)), 0)
    from month_counts m
    left join base_counts b using (unit_code)
)

select * from final
order by unit_code
