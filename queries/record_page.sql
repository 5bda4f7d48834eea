-- name: record_page(region, start, end, category, channel, center_id, id_prefix, item_text, limit, offset)
-- 明细查询: one page of the matching records, newest first (the full download passes offset 0 and
-- the record_count as limit). 服务对象 and 联系电话 are the masked values as stored; the resident
-- hash never leaves the database. 诉求内容 and 答复意见 were masked on the way in (digit runs: phones, ID
-- and card numbers); mask_text again here so a row stored before that rule cannot show one. Ties on 受理时间 are ordered by 受理编号 so pages do not overlap.
-- grain: one row per service record
-- key: record_id
with

page_ids as (
    select * from searched_record_ids(:region, :start, :end, :category, :channel,
                                      :center_id, :id_prefix, :item_text)
    order by received_at desc, record_id desc
    limit :limit offset :offset
),

final as (
    select
        r.record_id,
        r.center_id,
        c.center_name,
        r.item_code,
        i.item_name,
        i.category_name,
        r.received_at,
        r.channel,
        r.group_tag,
        r.resident_name,
        r.phone,
        r.status,
        r.closed_at,
        r.due_on,
        r.satisfaction,
        r.score,
        mask_text(r.request_text) as request_text,
        mask_text(r.reply_text) as reply_text
    from page_ids p
    join service_records r using (record_id)
    join centers c on c.center_id = r.center_id
    left join catalog i on i.item_code = r.item_code
    -- the page's time span lets DuckDB skip the rest of the records when fetching its columns
    where r.received_at between (select min(received_at) from page_ids) and (select max(received_at) from page_ids)
)

select * from final
order by received_at desc, record_id desc
