-- name: funds_by_center(region, start, end, category, channel)
-- What each center of the region was given (资金 of the window's fiscal years) and what it delivered
-- in the window: 受理量, 办结量 and the counts behind 满意率 and 综合成绩, for 每万元服务量 and 单件成本,
-- which divide by period_wan, the funds' part falling in the window (filtered_funds).
-- 事项大类 and 受理渠道 filter records only.
-- grain: one row per center of the region with funds or records in the window
-- key: center_id
with

centers_in_region as (
    select * from region_centers(:region)
),

window_funds as (
    select * from filtered_funds(:region, :start, :end)
),

record_totals as (
    select * from center_record_counts(:region, :start, :end, :category, :channel)
),

fund_totals as (
    select center_id, sum(amount_wan)::decimal(18, 2) as funds_wan,
        sum(period_wan) as period_wan
    from window_funds
    group by center_id
),

final as (
    select
        c.center_id,
        c.center_name,
        c.center_type,
        c.build_type,
        c.region_code,
        coalesce(f.funds_wan, 0)::decimal(18, 2) as funds_wan,
        coalesce(f.period_wan, 0) as period_wan,
        coalesce(r.received, 0) as received,
        coalesce(r.closed, 0) as closed,
        coalesce(r.valid, 0) as valid,
        coalesce(r.contacted, 0) as contacted,
        coalesce(r.solved, 0) as solved,
        coalesce(r.satisfied, 0) as satisfied,
        coalesce(r.basic, 0) as basic
    from centers_in_region c
    left join record_totals r using (center_id)
    left join fund_totals f using (center_id)
    where r.center_id is not null or f.center_id is not null
)

select * from final
order by funds_wan desc, center_id
