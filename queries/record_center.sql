-- name: record_center(center_id)
-- 明细查询: the center an official opened from a chart (ui.open_records), for the "只看该中心" line;
-- no row when the center is unknown or outside the caller's scope.
-- grain: one row per center (at most one)
-- key: center_id
with

center as (
    select center_id, center_name, region_code, center_type
    from centers
    where center_id = :center_id
),

final as (
    select c.*, r.region_name
    from center c
    left join regions r using (region_code)
)

select * from final
