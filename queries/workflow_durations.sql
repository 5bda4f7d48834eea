-- name: workflow_durations(region, start, end, category, channel)
-- How long the steps take, in hours: 受理至派单 (received → dispatched), 派单至接单 (dispatched →
-- accepted) and 受理至办结 (received → closed, closed cases only), as median and P90 with linear
-- interpolation (as dangqun.metrics.median_p90). Missing times and negative spans (data errors, as
-- metrics.hours_between) are left out; count is the number of spans measured.
-- grain: one row per workflow step
-- key: step
with

records as (
    select * from filtered_records(:region, :start, :end, :category, :channel)
),

steps as (
    select * from (values (1, '受理至派单'), (2, '派单至接单'), (3, '受理至办结')) as t(step_order, step)
),

spans as (
    select
        epoch(dispatched_at - received_at) / 3600.0 as dispatch_hours,
        epoch(accepted_at - dispatched_at) / 3600.0 as accept_hours,
        case when is_closed then epoch(closed_at - received_at) / 3600.0 end as close_hours
    from records
),

-- one pass over the records for all three steps: the quantiles are what costs, not the reading
quantiles as (
    select
        count(dispatch_hours) filter (where dispatch_hours >= 0) as n1,
        quantile_cont(dispatch_hours, [0.5, 0.9]) filter (where dispatch_hours >= 0) as q1,
        count(accept_hours) filter (where accept_hours >= 0) as n2,
        quantile_cont(accept_hours, [0.5, 0.9]) filter (where accept_hours >= 0) as q2,
        count(close_hours) filter (where close_hours >= 0) as n3,
        quantile_cont(close_hours, [0.5, 0.9]) filter (where close_hours >= 0) as q3
    from spans
),

step_stats as (
    select unnest([
        {'step_order': 1, 'count': n1, 'q': q1},
        {'step_order': 2, 'count': n2, 'q': q2},
        {'step_order': 3, 'count': n3, 'q': q3}
    ], recursive := true)
    from quantiles
),

final as (
    select s.step_order, s.step, coalesce(t.count, 0) as count, t.q[1] as median_hours, t.q[2] as p90_hours
    from steps s
    left join step_stats t using (step_order)
)

select * exclude (step_order) from final
order by step_order
