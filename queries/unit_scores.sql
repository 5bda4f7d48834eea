-- name: unit_scores(region, start, end, category, channel, child_digits, as_of)
-- The units one level below the region (towns of a county, villages of a town …; the centers of a
-- village when child_digits = 0) with the counts behind 办结率, the 三率, 综合成绩 and 代办件数, for rankings
-- and the map.
-- as_of: null, or the day a comparison period's records are counted to (record_counts_as_of).
-- grain: one row per child unit with records in the window
-- key: unit_code
with

unit_counts as (
    select * from unit_record_counts(:region, :start, :end, :category, :channel, :child_digits, p_as_of := :as_of)
),

final as (
    select
        u.unit_code,
        coalesce(n.unit_name, u.unit_code) as unit_name,
        -- the counts of the rankings and their downloads (unit_record_counts has every count)
        u.received,
        u.closed,
        u.closed_on_time,
        u.overdue,
        u.valid,
        u.contacted,
        u.solved,
        u.satisfied,
        u.basic,
        u.proxy
    from unit_counts u
    left join unit_names(:child_digits) n using (unit_code)
)

select * from final
order by unit_code
