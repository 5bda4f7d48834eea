-- name: dissatisfaction_reasons(region, start, end, category, channel)
-- Why residents were dissatisfied: 不满意 answers among the 有效回访 by the reason recorded with them
-- (a missing reason is counted as 未注明原因), most frequent first.
-- grain: one row per dissatisfaction reason
-- key: dissatisfaction_reason
with

counts as (
    select * from record_counts(:region, :start, :end, :category, :channel)
),

final as (
    select
        coalesce(nullif(trim(unsatisfied_reason), ''), '未注明原因') as dissatisfaction_reason,
        sum(unsatisfied)::bigint as count
    from counts
    group by 1
    having sum(unsatisfied) > 0
)

select * from final
order by count desc, dissatisfaction_reason
