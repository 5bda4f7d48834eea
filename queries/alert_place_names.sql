-- name: alert_place_names(region)
-- The place names the 热点 rule's word cutting keeps whole (dangqun.keywords): every region of the
-- region dictionary under the region looked at (towns, villages and communities, counties), from its full
-- name (孤山镇, 大鹿岛村).
-- grain: one row per region name under the region
-- key: region_name
select distinct region_name
from regions
where region_code like :region || '%'
  and length(region_name) >= 2
order by region_name
