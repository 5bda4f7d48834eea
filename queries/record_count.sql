-- name: record_count(region, start, end, category, channel, center_id, id_prefix, item_text)
-- 明细查询: how many records match the sidebar filters, the chosen center and the search boxes
-- ("共 N 条"; also the row count of the full download). See searched_records in dangqun/macros.sql.
-- grain: one row
with

records as (
    select * from searched_records(:region, :start, :end, :category, :channel,
                                   :center_id, :id_prefix, :item_text)
),

final as (
    select count(*) as records from records
)

select * from final
