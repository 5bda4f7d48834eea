-- name: record_count(region, start, end, category, channel, center_id, id_prefix, item_text)
-- 明细查询: how many records match the sidebar filters, the chosen center and the search boxes
-- ("共 N 条"; also the row count of the full download). With no search it is the 受理量 of
-- record_counts (the rollup for whole months); otherwise the records of searched_record_ids
-- (dangqun/sql/10_filters.sql) are counted. DuckDB drops the branch whose condition is false.
-- grain: one row
-- key: none (one row)
with

unsearched as (
    select sum(received)::bigint as records
    from record_counts(:region, :start, :end, :category, :channel)
    where :center_id = '' and :id_prefix = '' and :item_text = ''
),

searched as (
    select count(*) as records
    from searched_record_ids(:region, :start, :end, :category, :channel, :center_id, :id_prefix, :item_text)
    where not (:center_id = '' and :id_prefix = '' and :item_text = '')
),

final as (
    select coalesce((select records from unsearched), 0) + (select records from searched) as records
)

select * from final
