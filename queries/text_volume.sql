-- name: text_volume(region, start, end)
-- How many records of the region received in start..end carry 诉求内容: whether its 热点 are topics of the
-- texts (dangqun.topics) or rising 事项, and what a topic's share is taken of.
-- grain: one row
-- key: none (one row)
with

final as (
    select count(*) as texts
    from filtered_records(:region, :start, :end, '', '')
    where request_text is not null and trim(request_text) <> ''
)

select * from final
