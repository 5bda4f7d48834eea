-- name: funds_by_year(region, start, end)
-- When the money came: 投入(万元) and number of projects by 年度 (fiscal year) for the centers of
-- the region, over the fiscal years the window touches.
-- grain: one row per fiscal_year with funds
-- key: fiscal_year
with

window_funds as (
    select * from filtered_funds(:region, :start, :end)
),

final as (
    select
        fiscal_year,
        count(*) as count,
        sum(amount_wan)::decimal(18, 2) as amount_wan
    from window_funds
    group by fiscal_year
)

select * from final
order by fiscal_year
