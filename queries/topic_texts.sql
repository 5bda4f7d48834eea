-- name: topic_texts(region, start, end, base_start)
-- The texts 热点 topics are found from (dangqun.topics): the 诉求内容 of the records received in the month
-- start..end or in the month before (from base_start), each marked with its month, with its county and town
-- (the topics are found county by county) and what the 预警 page lists of a record. Texts and names are
-- masked as stored. No rows where no 诉求内容 was imported: 热点 then counts 事项 (alert_item_counts).
-- grain: one row per service record with 诉求内容 received in either month
-- key: record_id
with

texts as (
    select
        record_id, center_id, region_code, center_name, received_at, resident_hash, request_text,
        item_code, resident_name, phone, status, due_on,
        unit_of(center_id, region_code, 6) as county_code,
        unit_of(center_id, region_code, 9) as town_code
    from filtered_records(:region, :base_start, :end, '', '')
    where request_text is not null and trim(request_text) <> ''
),

final as (
    select
        t.record_id,
        t.county_code,
        unit_name(t.county_code, 6) as county_name,
        t.town_code,
        unit_name(t.town_code, 9) as town_name,
        t.region_code,
        t.center_name,
        t.received_at,
        t.resident_hash,
        t.received_at >= :start::timestamp as this_month,
        trim(t.request_text) as request_text,
        t.item_code,
        item_name(t.item_code) as item_name,
        t.resident_name,
        t.phone,
        t.status,
        t.due_on
    from texts t
)

select * from final
order by record_id
