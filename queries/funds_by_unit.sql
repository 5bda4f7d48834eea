-- name: funds_by_unit(region, start, end, category, channel, child_digits)
-- Funds against outcome for the units one level below the region (the centers of a village when
-- child_digits = 0): 投入(万元) of the window's fiscal years, 受理量, 办结量 and the counts behind
-- 满意率 and 综合成绩, for 每万元服务量, 单件成本 and the funds–outcome scatter; those divide by period_wan, the
-- funds' part falling in the window (filtered_funds).
-- 事项大类 and 受理渠道 filter records only.
-- grain: one row per child unit with funds or records in the window
-- key: unit_code
with

units as (
    select * from unit_funds(:region, :start, :end, :category, :channel, :child_digits)
),

final as (
    select
        u.unit_code,
        unit_name(u.unit_code, :child_digits) as unit_name,
        u.* exclude (unit_code)
    from units u
)

select * from final
order by unit_code
