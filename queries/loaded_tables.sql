-- name: loaded_tables()
-- What is loaded: per table, its row count and the date range it covers.
-- grain: one row per stored table
-- key: table_name
with

record_span as (
    select '服务记录' as table_label, 'service_records' as table_name, 1 as sort_order,
           count(*) as row_count, min(received_at)::date as first_date, max(received_at)::date as last_date
    from service_records
),

center_span as (
    select '服务中心', 'centers', 2, count(*), min(opened_on), max(opened_on)
    from centers
),

fund_span as (
    select '资金投入', 'funds', 3, count(*), min(disbursed_on), max(disbursed_on)
    from funds
),

activity_span as (
    select '活动记录', 'activities', 4, count(*), min(activity_date), max(activity_date)
    from activities
),

region_span as (
    select '区划', 'regions', 5, count(*), null::date, null::date
    from regions
),

catalog_span as (
    select '服务事项目录', 'catalog', 6, count(*), null::date, null::date
    from catalog
),

import_span as (
    select '导入记录', 'import_log', 7, count(*), min(imported_at)::date, max(imported_at)::date
    from import_log
),

final as (
    select * from record_span
    union all select * from center_span
    union all select * from fund_span
    union all select * from activity_span
    union all select * from region_span
    union all select * from catalog_span
    union all select * from import_span
)

select * from final
order by sort_order
