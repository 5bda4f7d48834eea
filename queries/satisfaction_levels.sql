-- name: satisfaction_levels(region, start, end, category, channel)
-- How residents answered the follow-up survey: 满意 / 基本满意 / 不满意 among the 有效回访 (records
-- both surveyed validly and in the assessment), the counts behind the satisfaction distribution.
-- Every level is listed, with 0 where nobody gave that answer.
-- grain: one row per satisfaction level
with

records as (
    select * from record_counts(:region, :start, :end, :category, :channel)
),

levels as (
    select * from (values (1, '满意'), (2, '基本满意'), (3, '不满意')) as t(level_order, level)
),

level_counts as (
    select
        coalesce(sum(satisfied), 0)::bigint as satisfied,
        coalesce(sum(basic), 0)::bigint as basic,
        coalesce(sum(unsatisfied), 0)::bigint as dissatisfied,
        coalesce(sum(valid), 0)::bigint as valid
    from records
),

final as (
    select
        l.level_order,
        l.level as satisfaction,
        case l.level when '满意' then c.satisfied
                     when '基本满意' then c.basic
                     else c.dissatisfied end as count,
        c.valid
    from levels l, level_counts c
)

select * exclude (level_order) from final
order by level_order
