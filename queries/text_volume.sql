-- name: text_volume(region, start, end)
-- How many records of the region received in start..end carry 诉求内容: whether its 热点 are topics of the
-- texts (dangqun.topics) or rising 事项, and what a topic's share is taken of.
-- grain: one row
-- key: none (one row)
with

final as (
    -- the records themselves: filtered_records' late-case flags are not needed here
    select count(*) as texts
    from service_records r
    join centers c using (center_id)
    where c.region_code like :region || '%'
      and r.received_at >= :start::timestamp
      and r.received_at < (:end::date + 1)::timestamp
      and r.request_text is not null      -- an import stores a blank text as null
)

select * from final
