-- name: funds_by_year(region, start, end)
-- When the money came: 投入(万元) and number of projects by 年度 (fiscal year) for the centers of
-- the region, over the fiscal years the window touches.
-- grain: one row per fiscal_year with funds
-- key: fiscal_year
with

final as (
    select key as fiscal_year, count, amount_wan
    from funds_by(:region, :start, :end, fiscal_year)
)

select * from final
order by fiscal_year
