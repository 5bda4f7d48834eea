-- name: dissatisfaction_reasons(region, start, end, category, channel)
-- Why residents were dissatisfied: 不满意 answers among the 有效回访 by the reason recorded with them
-- (a missing reason is counted as 未注明原因), most frequent first.
-- grain: one row per dissatisfaction reason
with

records as (
    select * from filtered_records(:region, :start, :end, :category, :channel)
),

dissatisfied as (
    select coalesce(nullif(trim(dissatisfaction_reason), ''), '未注明原因') as dissatisfaction_reason
    from records
    where is_unsatisfied
),

final as (
    select dissatisfaction_reason, count(*) as count
    from dissatisfied
    group by dissatisfaction_reason
)

select * from final
order by count desc, dissatisfaction_reason
