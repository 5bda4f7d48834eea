-- name: ab_center_hours(region, start, end, category, channel, off_days)
-- How much each 24-hour AB-post center (centers.has_ab_post) of the region serves outside office hours: its
-- receipts in the window and filters, those at 夜间 (received 20:00–08:00, as dangqun.views.services.is_night),
-- on a 节假日 (a day of off_days, as ab_receipt_hours) and at either (off_hours, each receipt once). Every
-- AB-post center is listed, with 0 where it received nothing; the ranking and the mark of those that never
-- received a case outside office hours are made in dangqun.views.services.ab_center_ranking.
-- grain: one row per AB-post center in the region
-- key: center_id
with

records as (
    select * from filtered_records(:region, :start, :end, :category, :channel)
),

ab_centers as (
    select center_id, center_name, center_type, region_code
    from region_centers(:region)
    where has_ab_post
),

-- counted by center and day first, then each day given its kind
daily as (
    select
        center_id,
        received_at::date as day,
        count(*) as received,
        count_if(is_night(received_at)) as night
    from records
    where center_id in (select center_id from ab_centers)
    group by all
),

counts as (
    select
        d.center_id,
        sum(d.received) as received,
        sum(d.night) as night,
        sum(case when o.day is not null then d.received else 0 end) as holiday,
        -- on a 节假日 every receipt is outside office hours; on a working day its night ones
        sum(case when o.day is not null then d.received else d.night end) as off_hours
    from daily d
    left join off_days(:off_days) o on o.day = d.day
    group by d.center_id
),

final as (
    select
        a.center_id,
        a.center_name,
        a.center_type,
        a.region_code,
        coalesce(c.received, 0)::bigint as received,
        coalesce(c.night, 0)::bigint as night,
        coalesce(c.holiday, 0)::bigint as holiday,
        coalesce(c.off_hours, 0)::bigint as off_hours
    from ab_centers a
    left join counts c using (center_id)
)

select * from final
order by off_hours desc, center_id
