-- name: center_positions(region)
-- The centers of the region with their 经度/纬度 (null where the centers file gave none), for the
-- points of the 地图.
-- grain: one row per center
-- key: center_id
select
    center_id,
    center_name,
    center_type,
    region_code,
    longitude,
    latitude
from centers
where starts_with(region_code, :region)
order by center_id
