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

center_funds as (
    -- unit_of with 0 digits: the center itself
    select * from unit_funds(:region, :start, :end, :category, :channel, 0)
),

final as (
    select
        c.center_id,
        c.center_name,
        c.center_type,
        c.build_type,
        c.region_code,
        f.* exclude (unit_code)
    from center_funds f
    join centers_in_region c on c.center_id = f.unit_code
)

select * from final
order by funds_wan desc, center_id
