-- name: service_items(region, start, end, category, channel)
-- What is being handled, by 事项 (usually within one 大类 chosen in the filter): cases received,
-- closed and overdue per service item (catalog name; an unknown code is shown by its code).
-- grain: one row per service item with records in the window
-- key: item_code
with

counts as (
    select * from item_counts(:region, :start, :end, :category, :channel)
),

final as (
    select
        item_code,
        item_name(item_code) as item_name,
        left(item_code, 2) as category_code,
        -- each count of item_counts summed under its own name
        sum(columns(* exclude (center_id, month, item_code)))::bigint
    from counts
    group by item_code
)

select * from final
order by received desc, item_code
