-- name: monthly_trend(region, start, end, category, channel)
-- Month by month: volume, closures and the survey counts behind 满意率 and the 三率.
-- grain: one row per calendar month with records in the window
with

records as (
    select * from filtered_records(:region, :start, :end, :category, :channel)
),

final as (
    select
        date_trunc('month', received_at)::date as month,
        count(*) as received,
        count_if(is_closed) as closed,
        count_if(is_on_time) as closed_on_time,
        count_if(is_valid) as valid,
        count_if(is_contacted) as contacted,
        count_if(is_solved) as solved,
        count_if(is_satisfied) as satisfied,
        count_if(is_basic) as basic
    from records
    group by 1
)

select * from final
order by month
