-- name: report_items(region, start, end, max_rows)
-- The 热点问题 of the 通报: the service items most asked for in the window (records received), with
-- the counts behind their 满意率 (有效回访, 满意, 基本满意) and their 超期件; at most max_rows items.
-- The item rollup has no survey counts, so this reads the window's records.
-- grain: one row per service item with records in the window (at most max_rows)
-- key: item_code
with
records as (
    select * from filtered_records(:region, :start, :end, '', '')
),
per_item as (
    select
        item_code,
        count(*) as received,
        count_if(is_valid)::bigint as valid,
        count_if(is_satisfied)::bigint as satisfied,
        count_if(is_basic)::bigint as basic,
        count_if(is_overdue)::bigint as overdue
    from records
    group by item_code
    order by received desc, item_code
    limit :max_rows
),
final as (
    select item_code, item_name(item_code) as item_name, * exclude (item_code)
    from per_item
)
select * from final
order by received desc, item_code
