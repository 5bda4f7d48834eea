-- name: funds_by_purpose(region, start, end)
-- What the money was for: 投入(万元) and number of projects by 资金用途 for the centers of the
-- region, counting the fiscal years the window touches; a project without a purpose counts as 未注明.
-- grain: one row per purpose with funds
-- key: purpose
with

final as (
    select key as purpose, count, amount_wan
    from funds_by(:region, :start, :end, coalesce(nullif(trim(purpose), ''), '未注明'))
)

select * from final
order by amount_wan desc, purpose
