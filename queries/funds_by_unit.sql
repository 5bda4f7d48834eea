-- name: funds_by_unit(region, start, end, category, channel, child_digits)
-- Funds against outcome for the units one level below the region (the centers of a village when
-- child_digits = 0): 投入(万元) of the window's fiscal years, 受理量, 办结量 and the counts behind
-- 满意率 and 综合成绩, for 每万元服务量, 单件成本 and the funds–outcome scatter; those divide by period_wan, the
-- funds' part falling in the window (filtered_funds).
-- 事项大类 and 受理渠道 filter records only.
-- grain: one row per child unit with funds or records in the window
-- key: unit_code
with

window_funds as (
    select * from filtered_funds(:region, :start, :end)
),

unit_counts as (
    select * from unit_record_counts(:region, :start, :end, :category, :channel, :child_digits)
),

fund_totals as (
    select
        unit_of(center_id, region_code, :child_digits) as unit_code,
        sum(amount_wan)::decimal(18, 2) as funds_wan,
        sum(period_wan) as period_wan
    from window_funds
    group by 1
),

units as (
    select
        coalesce(r.unit_code, f.unit_code) as unit_code,
        coalesce(f.funds_wan, 0)::decimal(18, 2) as funds_wan,
        coalesce(f.period_wan, 0) as period_wan,
        coalesce(r.received, 0) as received,
        coalesce(r.closed, 0) as closed,
        coalesce(r.valid, 0) as valid,
        coalesce(r.contacted, 0) as contacted,
        coalesce(r.solved, 0) as solved,
        coalesce(r.satisfied, 0) as satisfied,
        coalesce(r.basic, 0) as basic
    from unit_counts r
    full outer join fund_totals f using (unit_code)
),

final as (
    select
        u.unit_code,
        coalesce(n.unit_name, u.unit_code) as unit_name,
        u.* exclude (unit_code)
    from units u
    left join unit_names(:child_digits) n using (unit_code)
)

select * from final
order by unit_code
