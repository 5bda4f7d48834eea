-- name: alert_request_texts(region, start, end, base_start, digits)
-- The 热点 rule's texts (dangqun.alerts, dangqun.keywords): the 诉求内容 of the records received in the
-- month start..end or in the month before (from base_start), each marked with its month, and the unit
-- looked at as a whole (the region code cut to `digits`). The texts are masked as stored. No rows where no
-- 诉求内容 was imported: the rule then counts 事项 (alert_item_counts).
-- grain: one row per service record with 诉求内容 received in either month
-- key: record_id
with

texts as (
    select record_id, center_id, region_code, received_at, request_text
    from filtered_records(:region, :base_start, :end, '', '')
    where request_text is not null and trim(request_text) <> ''
),

final as (
    select
        t.record_id,
        unit_of(t.center_id, t.region_code, :digits) as unit_code,
        coalesce(n.unit_name, unit_of(t.center_id, t.region_code, :digits)) as unit_name,
        t.received_at >= :start::timestamp as this_month,
        t.request_text
    from texts t
    left join unit_names(:digits) n on n.unit_code = unit_of(t.center_id, t.region_code, :digits)
)

select * from final
order by record_id
