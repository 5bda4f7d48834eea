-- name: category_options()
-- The 事项大类 an official can filter by, in catalog order.
-- grain: one row per category
-- key: category_code
with

final as (
    select category_code, any_value(category_name) as category_name, count(*) as item_count
    from catalog
    group by category_code
)

select * from final
order by category_code
