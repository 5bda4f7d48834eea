-- name: service_categories(region, start, end, category, channel)
-- What is being handled, by 事项大类: cases received, closed and overdue per category (catalog
-- name; a code missing from the catalog is shown by its code).
-- grain: one row per category with records in the window
-- key: category_code
with

records as (
    select * from category_channel_counts(:region, :start, :end, :category, :channel)
),

category_names as (
    select category_code, any_value(category_name) as category_name
    from catalog
    group by category_code
),

category_counts as (
    select
        category_code,
        sum(received)::bigint as received,
        sum(closed)::bigint as closed,
        sum(overdue)::bigint as overdue
    from records
    group by category_code
),

final as (
    select
        c.category_code,
        coalesce(n.category_name, c.category_code) as category_name,
        c.* exclude (category_code)
    from category_counts c
    left join category_names n using (category_code)
)

select * from final
order by received desc, category_code
