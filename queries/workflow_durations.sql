-- name: workflow_durations(region, start, end, category, channel)
-- How long the steps take, in hours: 受理至派单 (received → dispatched), 派单至接单 (dispatched →
-- accepted) and 受理至办结 (received → closed, closed cases only), as median and P90 with linear
-- interpolation (as dangqun.metrics.median_p90). Missing times and negative spans (data errors, as
-- metrics.hours_between) are left out; count is the number of spans measured.
-- grain: one row per workflow step
with

records as (
    select * from filtered_records(:region, :start, :end, :category, :channel)
),

steps as (
    select * from (values (1, '受理至派单'), (2, '派单至接单'), (3, '受理至办结')) as t(step_order, step)
),

spans as (
    select 1 as step_order, epoch(dispatched_at - received_at) / 3600.0 as hours from records
    union all
    select 2, epoch(accepted_at - dispatched_at) / 3600.0 from records
    union all
    select 3, epoch(closed_at - received_at) / 3600.0 from records where is_closed
),

step_stats as (
    select
        step_order,
        count(*) as count,
        quantile_cont(hours, 0.5) as median_hours,
        quantile_cont(hours, 0.9) as p90_hours
    from spans
    where hours >= 0
    group by step_order
),

final as (
    select s.step_order, s.step, coalesce(t.count, 0) as count, t.median_hours, t.p90_hours
    from steps s
    left join step_stats t using (step_order)
)

select * exclude (step_order) from final
order by step_order
