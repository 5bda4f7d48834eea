-- name: kpi_summary(region, start, end, category, channel)
-- The 总览 KPI cards for a region and window: counts behind 受理量, 办结率, 按期办结率, the 三率,
-- 投入总额(万元), 中心数 and 活动场次. Rates are computed from these counts in dangqun.metrics.
-- Funds count by fiscal year within the window's years; 事项大类 and 受理渠道 filter records only.
-- grain: one row
with

records as (
    select * from filtered_records(:region, :start, :end, :category, :channel)
),

record_counts as (
    select
        count(*) as received,
        count_if(is_closed) as closed,
        count_if(is_on_time) as closed_on_time,
        count_if(is_overdue) as overdue,
        count_if(is_valid) as valid,
        count_if(is_contacted) as contacted,
        count_if(is_solved) as solved,
        count_if(is_satisfied) as satisfied,
        count_if(is_basic) as basic,
        count_if(is_proxy_case) as proxy,
        count_if(is_proactive) as proactive
    from records
),

fund_total as (
    select coalesce(sum(amount_wan), 0)::decimal(18, 2) as funds_wan
    from filtered_funds(:region, :start, :end)
),

center_count as (
    select count(*) as centers
    from region_centers(:region)
    where opened_on is null or opened_on <= :end::date
),

activity_count as (
    select count(*) as activities
    from filtered_activities(:region, :start, :end)
),

final as (
    select * from record_counts, fund_total, center_count, activity_count
)

select * from final
