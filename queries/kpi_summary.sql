-- name: kpi_summary(region, start, end, category, channel, as_of)
-- The 总览 KPI cards for a region and window: counts behind 受理量, 办结率, 按期办结率, the 三率,
-- 投入总额(万元), 中心数 and 活动场次; and the 满意 / 基本满意 / 不满意 answers among 有效回访 behind the
-- satisfaction distribution (metrics.satisfaction_levels). Rates are computed from these counts in dangqun.metrics.
-- Funds count by fiscal year within the window's years; 事项大类 and 受理渠道 filter records only.
-- as_of: null, or the day a comparison period's records are counted to (record_counts_as_of).
-- grain: one row
-- key: none (one row)
with

records as (
    select * from record_counts_as_of(:region, :start, :end, :category, :channel, :as_of)
),

record_counts as (
    -- every count of record_counts, summed under its own name (0 when nothing is in the window)
    select
        coalesce(sum(columns(* exclude (center_id, region_code, center_name, center_type, month,
                                        unsatisfied_reason))), 0)::bigint
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
