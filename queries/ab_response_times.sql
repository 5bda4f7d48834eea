-- name: ab_response_times(region, start, end, category, channel, off_days)
-- How fast cases received outside office hours are answered and closed, at 24-hour AB-post centers
-- (centers.has_ab_post) against the others: for each 时段 — 夜间 (received 20:00–08:00), 节假日 (a day of
-- off_days, as ab_receipt_hours), 夜间或节假日 (either, each receipt once) and 工作时间 (neither) — the
-- receipts, and the median (linear interpolation, as metrics.median_p90) and mean hours of
-- 响应: received → the first response, the 派单时间 where the record has one, else the 办结时间
--        (workflow_durations' 受理至派单, or its 受理至办结 for records without a dispatch);
-- 办结: received → closed, 已办结 records only (workflow_durations' 受理至办结).
-- Missing times and negative spans (data errors) are left out, as in workflow_durations; the counts say how
-- many spans each figure is over. The medians sort every record's span: 服务办理 asks this only as it asks
-- workflow_durations (a view of more than metrics.DURATIONS_AUTO_MAX records on the button).
-- grain: one row per center kind (AB岗 or not) × 时段 with receipts
-- key: ab_post, slot
with

records as (
    select * from ab_records(:region, :start, :end, :category, :channel)
),

slots as (
    select * from (values (1, '夜间'), (2, '节假日'), (3, '夜间或节假日'), (4, '工作时间')) as t(slot_order, slot)
),

spans as (
    select
        r.ab_post,
        is_night(r.received_at) as is_night,
        o.day is not null as is_holiday,
        epoch(coalesce(r.dispatched_at, r.closed_at) - r.received_at) / 3600.0 as response_hours,
        case when r.is_closed then epoch(r.closed_at - r.received_at) / 3600.0 end as closing_hours
    from records r
    left join off_days(:off_days) o on o.day = r.received_at::date
),

-- each receipt once in every slot it belongs to: 夜间 and 节假日 overlap (a holiday's night); 夜间或节假日 and
-- 工作时间 split the receipts in two
slotted as (
    select
        ab_post,
        unnest(case
            when is_night and is_holiday then [1, 2, 3]
            when is_night then [1, 3]
            when is_holiday then [2, 3]
            else [4]
        end) as slot_order,
        case when response_hours >= 0 then response_hours end as response_hours,
        case when closing_hours >= 0 then closing_hours end as closing_hours
    from spans
),

times as (
    select
        ab_post,
        slot_order,
        count(*) as received,
        count(response_hours) as response_count,
        quantile_cont(response_hours, 0.5) as response_median_hours,
        avg(response_hours) as response_mean_hours,
        count(closing_hours) as closing_count,
        quantile_cont(closing_hours, 0.5) as closing_median_hours,
        avg(closing_hours) as closing_mean_hours
    from slotted
    group by all
),

final as (
    select t.ab_post, s.slot_order, s.slot, t.* exclude (ab_post, slot_order)
    from times t
    join slots s using (slot_order)
)

select * exclude (slot_order) from final
order by ab_post desc, slot_order
