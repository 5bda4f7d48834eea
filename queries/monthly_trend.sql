-- name: monthly_trend(region, start, end, category, channel)
-- Month by month: volume, closures and the survey counts behind 满意率, the 三率 and the satisfaction
-- distribution (满意 / 基本满意 / 不满意 among 有效回访). Summed over the months they are the window's.
-- grain: one row per calendar month with records in the window
-- key: month
with

records as (
    select * from record_counts(:region, :start, :end, :category, :channel)
),

final as (
    select
        month,
        -- each count summed under its own name
        sum(columns(lambda c: c in ('received', 'closed', 'closed_on_time', 'valid', 'contacted', 'solved', 'satisfied',
                               'basic', 'unsatisfied')))::bigint
    from records
    group by 1
)

select * from final
order by month
