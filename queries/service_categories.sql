-- name: service_categories(region, start, end, category, channel)
-- What is being handled, by 事项大类: cases received, closed and overdue per category (catalog
-- name; a code missing from the catalog is shown by its code).
-- grain: one row per category with records in the window
-- key: category_code
with

records as (
    select * from category_channel_counts(:region, :start, :end, :category, :channel)
),

final as (
    select
        category_code,
        category_name(category_code) as category_name,
        sum(received)::bigint as received,
        sum(closed)::bigint as closed,
        sum(overdue)::bigint as overdue
    from records
    group by category_code
)

select * from final
order by received desc, category_code
