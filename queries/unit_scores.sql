-- name: unit_scores(region, start, end, category, channel, child_digits)
-- The units one level below the region (towns of a county, villages of a town …; the centers of a
-- village when child_digits = 0) with the counts behind 办结率, the 三率 and 综合成绩, for rankings.
-- grain: one row per child unit with records in the window
with

unit_counts as (
    select
        unit_of(center_id, region_code, :child_digits) as unit_code,
        sum(received)::bigint as received,
        sum(closed)::bigint as closed,
        sum(closed_on_time)::bigint as closed_on_time,
        sum(overdue)::bigint as overdue,
        sum(valid)::bigint as valid,
        sum(contacted)::bigint as contacted,
        sum(solved)::bigint as solved,
        sum(satisfied)::bigint as satisfied,
        sum(basic)::bigint as basic
    from center_record_counts(:region, :start, :end, :category, :channel)
    group by 1
),

final as (
    select
        u.unit_code,
        coalesce(r.region_name, c.center_name, u.unit_code) as unit_name,
        u.* exclude (unit_code)
    from unit_counts u
    left join regions r on r.region_code = u.unit_code and :child_digits > 0
    left join centers c on c.center_id = u.unit_code and :child_digits = 0
)

select * from final
order by unit_code
