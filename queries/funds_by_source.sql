-- name: funds_by_source(region, start, end)
-- Where the money came from: 投入(万元) and number of projects by 资金来源 for the centers of the
-- region, counting the fiscal years the window touches.
-- grain: one row per fund_source with funds
-- key: fund_source
with

window_funds as (
    select * from filtered_funds(:region, :start, :end)
),

final as (
    select
        fund_source,
        count(*) as count,
        sum(amount_wan)::decimal(18, 2) as amount_wan
    from window_funds
    group by fund_source
)

select * from final
order by amount_wan desc, fund_source
