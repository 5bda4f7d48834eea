-- name: funds_by_purpose(region, start, end)
-- What the money was for: 投入(万元) and number of projects by 资金用途 for the centers of the
-- region, counting the fiscal years the window touches; a project without a purpose counts as 未注明.
-- grain: one row per purpose with funds
-- key: purpose
with

window_funds as (
    select * from filtered_funds(:region, :start, :end)
),

final as (
    select
        coalesce(nullif(trim(purpose), ''), '未注明') as purpose,
        count(*) as count,
        sum(amount_wan)::decimal(18, 2) as amount_wan
    from window_funds
    group by 1
)

select * from final
order by amount_wan desc, purpose
