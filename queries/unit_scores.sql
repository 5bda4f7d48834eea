-- name: unit_scores(region, start, end, category, channel, child_digits)
-- The units one level below the region (towns of a county, villages of a town …; the centers of a
-- village when child_digits = 0) with the counts behind 办结率, the 三率 and 综合成绩, for rankings.
-- grain: one row per child unit with records in the window
with

records as (
    select * from filtered_records(:region, :start, :end, :category, :channel)
),

unit_records as (
    select
        case when :child_digits = 0 then center_id
             else rpad(left(region_code, :child_digits), 12, '0') end as unit_code,
        *
    from records
),

unit_counts as (
    select
        unit_code,
        count(*) as received,
        count_if(is_closed) as closed,
        count_if(is_on_time) as closed_on_time,
        count_if(is_overdue) as overdue,
        count_if(is_valid) as valid,
        count_if(is_contacted) as contacted,
        count_if(is_solved) as solved,
        count_if(is_satisfied) as satisfied,
        count_if(is_basic) as basic
    from unit_records
    group by unit_code
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
