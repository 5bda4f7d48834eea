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
        -- each count summed under its own name
        sum(columns(lambda c: c in ('received', 'closed', 'overdue')))::bigint
    from records
    group by category_code
)

select * from final
order by received desc, category_code
