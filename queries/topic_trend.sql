-- name: topic_trend(region, start, end, words)
-- A topic's months (the 热点 section's trend): per month of start..end, the records of the region whose
-- 诉求内容 holds every one of `words` (the topic's heaviest keywords), and all the records with 诉求内容. A
-- month's topics are found from that month's texts alone; this counts the same words in every month, so
-- the months compare.
-- grain: one row per month of the window with 诉求内容
-- key: month
with

texts as (
    select date_trunc('month', received_at)::date as month, request_text
    from filtered_records(:region, :start, :end, '', '')
    where request_text is not null and trim(request_text) <> ''
),

final as (
    select
        month,
        count(*) filter (where list_bool_and(list_transform(:words::varchar[], lambda w: contains(request_text, w))))
            as matching,
        count(*) as texts
    from texts
    group by month
)

select * from final
order by month
