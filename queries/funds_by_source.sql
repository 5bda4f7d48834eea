-- name: funds_by_source(region, start, end)
-- Where the money came from: 投入(万元) and number of projects by 资金来源 for the centers of the
-- region, counting the fiscal years the window touches.
-- grain: one row per fund_source with funds
-- key: fund_source
with

final as (
    select key as fund_source, count, amount_wan
    from funds_by(:region, :start, :end, fund_source)
)

select * from final
order by amount_wan desc, fund_source
