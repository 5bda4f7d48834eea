-- name: record_page(region, start, end, category, channel, center_id, id_prefix, item_text, limit, offset)
-- 明细查询: one page of the matching records, newest first (the full download passes offset 0 and
-- the record_count as limit). 服务对象 and 联系电话 are the masked values as stored; the resident
-- hash never leaves the database. Ties on 受理时间 are ordered by 受理编号 so pages do not overlap.
-- grain: one row per service record
with

records as (
    select * from searched_records(:region, :start, :end, :category, :channel,
                                   :center_id, :id_prefix, :item_text)
),

final as (
    select
        record_id,
        center_id,
        center_name,
        item_code,
        item_name,
        category_name,
        received_at,
        channel,
        group_tag,
        resident_name,
        phone,
        status,
        closed_at,
        due_on,
        satisfaction,
        score
    from records
)

select * from final
order by received_at desc, record_id desc
limit :limit offset :offset
