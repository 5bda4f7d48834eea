-- The window and the sidebar filters applied to records, centers, funds and activities (chain: 00_flags.sql).

-- 超期 as of the window's end p_end: closed after the deadline, or still open with the deadline before
-- p_end. The one definition, for records (filtered_records) and the late-record rollup (late_records).
create or replace macro overdue_at(p_closed_late, p_open, p_due_on, p_end) as
    coalesce(p_closed_late or (p_open and p_due_on < p_end::date), false);

-- The same 超期 for a row of a rollup (rollups.sql), which counts p_received records closed_late of them
-- and keeps the deadline p_open_due_on of open ones: the late-closed ones, and all of them when open with the
-- deadline before p_end. What category_channel_counts, record_counts and item_counts read for overdue.
create or replace macro rollup_overdue(p_closed_late, p_open_due_on, p_received, p_end) as
    p_closed_late + (case when p_open_due_on < p_end::date then p_received else 0 end);

-- Whole calendar months from p_start to p_end: the windows the rollups answer (every period preset).
create or replace macro whole_months(p_start, p_end) as
    day(p_start::date) = 1 and day(p_end::date + 1) = 1;

-- 夜间: received from 20:00 to 08:00 (dangqun.views.services.is_night), for 24 小时服务（AB岗）.
create or replace macro is_night(p_at) as
    hour(p_at) >= 20 or hour(p_at) < 8;

-- grain: one row per day of p_off_days, the window's 节假日 as comma-separated ISO dates
-- (dangqun.workdays.off_days: weekends and statutory holidays, not a 调休 working Saturday); none for ''.
create or replace macro off_days(p_off_days) as table
    select unnest(string_split(nullif(p_off_days, ''), ','))::date as day;

-- grain: one row per service record received in the window, with its center's region and type and
-- the flags of flagged_records.
-- 超期: closed after its deadline, or still open (待受理/办理中/延期) with the deadline before the window's end.
create or replace macro filtered_records(p_region, p_start, p_end, p_category, p_channel) as table
    select
        r.*,
        c.region_code, c.center_name, c.center_type,
        overdue_at(r.is_closed_late, r.is_open, r.due_on, p_end) as is_overdue
    from flagged_records() r
    join centers c using (center_id)
    where c.region_code like p_region || '%'
      and r.received_at >= p_start::timestamp
      and r.received_at < (p_end::date + 1)::timestamp
      and (p_category = '' or r.category_code = p_category)
      and (p_channel = '' or r.channel = p_channel);

-- grain: as filtered_records, with ab_post: whether the record's center is a 24-hour AB-post center
-- (centers.has_ab_post, a missing value as 否), for 服务办理's 24 小时服务（AB岗）.
create or replace macro ab_records(p_region, p_start, p_end, p_category, p_channel) as table
    select r.*, coalesce(c.has_ab_post, false) as ab_post
    from filtered_records(p_region, p_start, p_end, p_category, p_channel) r
    join centers c using (center_id);

-- grain: one row per center in the region
create or replace macro region_centers(p_region) as table
    select * from centers where region_code like p_region || '%';

-- grain: one row per fund project of a center in the region whose fiscal year meets the window.
-- period_wan: the part of the project's amount that falls in the window, by days (a quarter of a year's
-- 90 万元 is about 22.19): what 每万元服务量 and 单件成本 divide by, so a month's cases are set against a
-- month's money (README「资金与服务量」). The amount itself (amount_wan) is what the funds totals show.
create or replace macro filtered_funds(p_region, p_start, p_end) as table
    select
        f.*, c.region_code, c.center_name, c.center_type,
        f.amount_wan::double
            * (least(p_end::date, make_date(f.fiscal_year, 12, 31))
               - greatest(p_start::date, make_date(f.fiscal_year, 1, 1)) + 1)
            / (make_date(f.fiscal_year, 12, 31) - make_date(f.fiscal_year, 1, 1) + 1) as period_wan
    from funds f
    join centers c using (center_id)
    where c.region_code like p_region || '%'
      and f.fiscal_year between year(p_start::date) and year(p_end::date);

-- grain: one row per value (key) of p_key, an expression over the columns of filtered_funds (fund_source,
-- fiscal_year …), among the fund projects of the region whose fiscal year meets the window: their number
-- (count) and 投入 (amount_wan, the projects' whole amounts).
create or replace macro funds_by(p_region, p_start, p_end, p_key) as table
    select p_key as key, count(*) as count, sum(amount_wan)::decimal(18, 2) as amount_wan
    from filtered_funds(p_region, p_start, p_end)
    group by 1;

-- grain: one row per activity of a center in the region within the window
create or replace macro filtered_activities(p_region, p_start, p_end) as table
    select a.*, c.region_code, c.center_name, c.center_type
    from activities a
    join centers c using (center_id)
    where c.region_code like p_region || '%'
      and a.activity_date between p_start::date and p_end::date;

-- grain: one row per service record in the window and filters (the rows of filtered_records) that
-- also matches the 明细查询 search: its record_id and received_at only, for record_page to order and
-- cut a page before it fetches that page's columns. '' matches all for p_center, p_id_prefix and
-- p_item_text. The search texts are compared literally (starts_with / contains, never LIKE), so % _ '
-- in them are plain characters: p_id_prefix is a prefix of 受理编号, p_item_text a case-insensitive part
-- of 事项编码 or 事项名称.
-- The region and the catalog are semi-joins here, not joins as in filtered_records: with no column of
-- theirs needed, DuckDB then cuts the newest records of 20 million without carrying them (twice as fast).
create or replace macro searched_record_ids(p_region, p_start, p_end, p_category, p_channel,
                                            p_center, p_id_prefix, p_item_text) as table
    select r.record_id, r.received_at
    from service_records r
    where r.center_id in (select center_id from centers where region_code like p_region || '%')
      and r.received_at >= p_start::timestamp
      and r.received_at < (p_end::date + 1)::timestamp
      and (p_category = '' or left(r.item_code, 2) = p_category)
      and (p_channel = '' or r.channel = p_channel)
      and (p_center = '' or r.center_id = p_center)
      and starts_with(r.record_id, p_id_prefix)
      and (p_item_text = ''
           or contains(lower(r.item_code), lower(p_item_text))
           or r.item_code in (select item_code from catalog
                              where contains(lower(coalesce(item_name, '')), lower(p_item_text))));
