-- name: brand_scorecard(region, start, end, category, channel, as_of)
-- The brand communities of the region (centers with a 党建品牌): what each delivered in the window
-- (受理量, 活动场次, 志愿服务时长 and the counts behind 满意率 and 综合成绩) and what it was given
-- (资金 of the window's fiscal years). 事项大类 and 受理渠道 filter records only.
-- as_of: null, or the day a comparison period's records are counted to (record_counts_as_of).
-- grain: one row per center with a brand_name in the region
-- key: center_id
with

brand_centers as (
    select center_id, center_name, region_code, center_type, brand_name, brand_category
    from region_centers(:region)
    where brand_name is not null
),

window_activities as (
    select * from filtered_activities(:region, :start, :end)
),

window_funds as (
    select * from filtered_funds(:region, :start, :end)
),

record_totals as (
    select * from center_record_counts(:region, :start, :end, :category, :channel, p_as_of := :as_of)
),

activity_counts as (
    select
        center_id,
        count(*) as activities,
        coalesce(sum(volunteer_hours), 0) as volunteer_hours
    from window_activities
    group by center_id
),

fund_totals as (
    select center_id, sum(amount_wan)::decimal(18, 2) as funds_wan
    from window_funds
    group by center_id
),

final as (
    select
        b.center_id,
        b.brand_name,
        coalesce(reg.region_name, b.center_name) as region_name,
        b.center_name,
        b.brand_category,
        b.region_code,
        coalesce(r.received, 0) as received,
        coalesce(r.closed, 0) as closed,
        coalesce(a.activities, 0) as activities,
        coalesce(a.volunteer_hours, 0) as volunteer_hours,
        coalesce(r.valid, 0) as valid,
        coalesce(r.contacted, 0) as contacted,
        coalesce(r.solved, 0) as solved,
        coalesce(r.satisfied, 0) as satisfied,
        coalesce(r.basic, 0) as basic,
        coalesce(f.funds_wan, 0)::decimal(18, 2) as funds_wan
    from brand_centers b
    left join record_totals r using (center_id)
    left join activity_counts a using (center_id)
    left join fund_totals f using (center_id)
    left join regions reg on reg.region_code = b.region_code
)

select * from final
order by region_code, center_id
