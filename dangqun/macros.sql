-- Table macros shared by the named queries in queries/. Names inside a macro are bound where the
-- macro is called, so the runner's scope views (dangqun.db.scoped_cursor) apply to them too.
-- Parameters: p_region is a region-code prefix ('' for all), p_start/p_end inclusive dates,
-- p_category a 2-digit 大类编码 ('' for all), p_channel a 受理渠道 ('' for all).

-- grain: one row per service record, with the flags the metrics of DESIGN §4 count (count_if them;
-- the rates are computed in dangqun.metrics). The one definition of each flag: filtered_records and
-- the rollups (dangqun/rollups.sql) both read it.
-- 有效回访 needs both 是否有效回访 and 是否纳入考核; 联系/解决/满意 count only within 有效回访.
-- 超期 depends on the window's end, so it is is_closed_late here and is_overdue in filtered_records.
create or replace macro flagged_records() as table
    select
        r.*,
        left(r.item_code, 2) as category_code,
        date_trunc('month', r.received_at)::date as month,
        (r.status = '已办结') as is_closed,
        coalesce(r.status = '已办结' and r.closed_at::date <= r.due_on, false) as is_on_time,
        coalesce(r.status = '已办结' and r.closed_at::date > r.due_on, false) as is_closed_late,
        (r.status in ('待受理', '办理中', '延期')) as is_open,
        coalesce(r.survey_valid and r.in_assessment, false) as is_valid,
        coalesce(r.survey_valid and r.in_assessment and r.contacted, false) as is_contacted,
        coalesce(r.survey_valid and r.in_assessment and r.solved, false) as is_solved,
        coalesce(r.survey_valid and r.in_assessment and r.satisfaction = '满意', false) as is_satisfied,
        coalesce(r.survey_valid and r.in_assessment and r.satisfaction = '基本满意', false) as is_basic,
        coalesce(r.survey_valid and r.in_assessment and r.satisfaction = '不满意', false) as is_unsatisfied,
        coalesce(r.is_proxy, false) as is_proxy_case,
        coalesce(r.origin = '未诉先办', false) as is_proactive
    from service_records r;

-- 超期 as of the window's end p_end: closed after the deadline, or still open with the deadline before
-- p_end. The one definition, for records (filtered_records) and the late-record rollup (late_records).
create or replace macro overdue_at(p_closed_late, p_open, p_due_on, p_end) as
    coalesce(p_closed_late or (p_open and p_due_on < p_end::date), false);

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

-- Whole calendar months from p_start to p_end: the windows the rollups answer (every period preset).
create or replace macro whole_months(p_start, p_end) as
    day(p_start::date) = 1 and day(p_end::date + 1) = 1;

-- grain: rows of counts (not records) for the window, to be summed: received, closed, closed_on_time,
-- overdue, valid, contacted, solved, satisfied, basic, unsatisfied, proxy, proactive, with each row's
-- center (center_id, region_code, center_name, center_type), month, category_code, channel and
-- unsatisfied_reason (the 不满意原因 of rows counting 不满意 answers, else null): the counts by 大类 and 渠道.
-- A window of whole months reads rollup_center_month (dangqun/rollups.sql); any other window counts
-- filtered_records one row per record. Both give the same sums (tests/test_rollups.py); DuckDB drops
-- the branch whose whole_months condition is false before reading anything.
create or replace macro category_channel_counts(p_region, p_start, p_end, p_category, p_channel) as table
    select
        u.center_id, c.region_code, c.center_name, c.center_type, u.month, u.category_code, u.channel,
        u.unsatisfied_reason, u.received, u.closed, u.closed_on_time,
        u.closed_late + (case when u.open_due_on < p_end::date then u.received else 0 end) as overdue,
        u.valid, u.contacted, u.solved, u.satisfied, u.basic, u.unsatisfied, u.proxy, u.proactive
    from rollup_center_month u
    join centers c using (center_id)
    where whole_months(p_start, p_end)
      and c.region_code like p_region || '%'
      and u.month between p_start::date and p_end::date
      and (p_category = '' or u.category_code = p_category)
      and (p_channel = '' or u.channel = p_channel)
    union all
    select
        center_id, region_code, center_name, center_type, month, category_code, channel,
        case when is_unsatisfied then dissatisfaction_reason end as unsatisfied_reason, 1 as received, is_closed::int, is_on_time::int, is_overdue::int,
        is_valid::int, is_contacted::int, is_solved::int, is_satisfied::int, is_basic::int,
        is_unsatisfied::int, is_proxy_case::int, is_proactive::int
    from filtered_records(p_region, p_start, p_end, p_category, p_channel)
    where not whole_months(p_start, p_end);

-- grain: rows of counts for the window, to be summed, as category_channel_counts but without the
-- category_code and channel columns: what every question not split by 大类 or 渠道 reads. With neither
-- filtered, whole months read rollup_center_month_total, a twelfth of the rows; otherwise the rows of
-- category_channel_counts (same sums: tests/test_rollups.py).
create or replace macro record_counts(p_region, p_start, p_end, p_category, p_channel) as table
    select
        u.center_id, c.region_code, c.center_name, c.center_type, u.month, u.unsatisfied_reason,
        u.received, u.closed, u.closed_on_time,
        u.closed_late + (case when u.open_due_on < p_end::date then u.received else 0 end) as overdue,
        u.valid, u.contacted, u.solved, u.satisfied, u.basic, u.unsatisfied, u.proxy, u.proactive
    from rollup_center_month_total u
    join centers c using (center_id)
    where whole_months(p_start, p_end) and p_category = '' and p_channel = ''
      and c.region_code like p_region || '%'
      and u.month between p_start::date and p_end::date
    union all
    select * exclude (category_code, channel)
    from category_channel_counts(p_region, p_start, p_end, p_category, p_channel)
    where not (whole_months(p_start, p_end) and p_category = '' and p_channel = '');

-- grain: one row per center in the region
create or replace macro region_centers(p_region) as table
    select * from centers where region_code like p_region || '%';

-- grain: one row per fund project of a center in the region whose fiscal year meets the window
create or replace macro filtered_funds(p_region, p_start, p_end) as table
    select f.*, c.region_code, c.center_name, c.center_type
    from funds f
    join centers c using (center_id)
    where c.region_code like p_region || '%'
      and f.fiscal_year between year(p_start::date) and year(p_end::date);

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

-- grain: one row per center of the region with records in the window: record_counts summed per center
-- (the unit most rankings and cost tables start from)
create or replace macro center_record_counts(p_region, p_start, p_end, p_category, p_channel) as table
    select
        center_id,
        any_value(region_code) as region_code,
        sum(received)::bigint as received,
        sum(closed)::bigint as closed,
        sum(closed_on_time)::bigint as closed_on_time,
        sum(overdue)::bigint as overdue,
        sum(valid)::bigint as valid,
        sum(contacted)::bigint as contacted,
        sum(solved)::bigint as solved,
        sum(satisfied)::bigint as satisfied,
        sum(basic)::bigint as basic
    from record_counts(p_region, p_start, p_end, p_category, p_channel)
    group by center_id;

-- The child unit a center counts under: its region code cut to p_digits and padded back to 12
-- digits (a town of a county, a village of a town …); below a village (p_digits = 0) the center itself.
create or replace macro unit_of(p_center_id, p_region_code, p_digits) as
    case when p_digits = 0 then p_center_id else rpad(left(p_region_code, p_digits), 12, '0') end;

-- grain: rows of counts by 事项 for the window, to be summed: received, closed, overdue with each row's
-- center_id, month and item_code. Whole months with no 渠道 filter read rollup_center_month_item,
-- others filtered_records, as category_channel_counts does (same sums: tests/test_rollups.py).
create or replace macro item_counts(p_region, p_start, p_end, p_category, p_channel) as table
    select
        u.center_id, u.month, u.item_code, u.received, u.closed,
        u.closed_late + (case when u.open_due_on < p_end::date then u.received else 0 end) as overdue
    from rollup_center_month_item u
    join centers c using (center_id)
    where whole_months(p_start, p_end) and p_channel = ''
      and c.region_code like p_region || '%'
      and u.month between p_start::date and p_end::date
      and (p_category = '' or left(u.item_code, 2) = p_category)
    union all
    select center_id, month, item_code, 1 as received, is_closed::int, is_overdue::int
    from filtered_records(p_region, p_start, p_end, p_category, p_channel)
    where not (whole_months(p_start, p_end) and p_channel = '');

-- grain: rows of counts by 人群标签 for the window, to be summed: received, closed, proxy with each
-- row's center_id, month, category_code and group_tag (null when not given). Whole months with no
-- 渠道 filter read rollup_center_month_group, others filtered_records, as category_channel_counts does.
create or replace macro group_counts(p_region, p_start, p_end, p_category, p_channel) as table
    select u.center_id, u.month, u.category_code, u.group_tag, u.received, u.closed, u.proxy
    from rollup_center_month_group u
    join centers c using (center_id)
    where whole_months(p_start, p_end) and p_channel = ''
      and c.region_code like p_region || '%'
      and u.month between p_start::date and p_end::date
      and (p_category = '' or u.category_code = p_category)
    union all
    select center_id, month, category_code, group_tag, 1 as received, is_closed::int, is_proxy_case::int
    from filtered_records(p_region, p_start, p_end, p_category, p_channel)
    where not (whole_months(p_start, p_end) and p_channel = '');

-- grain: one row per 超期 record received in the window (filtered_records' is_overdue as of p_end),
-- with its center's region and name, read from rollup_late_records for any window: every record that
-- can be late for some window end is there.
create or replace macro late_records(p_region, p_start, p_end, p_category, p_channel) as table
    select l.*, c.region_code, c.center_name
    from rollup_late_records l
    join centers c using (center_id)
    where c.region_code like p_region || '%'
      and l.received_at >= p_start::timestamp
      and l.received_at < (p_end::date + 1)::timestamp
      and (p_category = '' or l.category_code = p_category)
      and (p_channel = '' or l.channel = p_channel)
      and overdue_at(l.is_closed_late, l.is_open, l.due_on, p_end);

-- grain: one row per child unit (unit_of with p_digits) of the region with records in the window:
-- center_record_counts summed per unit (rankings, funds per unit)
create or replace macro unit_record_counts(p_region, p_start, p_end, p_category, p_channel, p_digits) as table
    select
        unit_of(center_id, region_code, p_digits) as unit_code,
        -- every count of center_record_counts, under its own name
        sum(columns(* exclude (center_id, region_code)))::bigint
    from center_record_counts(p_region, p_start, p_end, p_category, p_channel)
    group by 1;

-- grain: one row per unit code a child unit can have (unit_of with p_digits): regions by their code,
-- or centers by their id below a village (p_digits = 0), with the name to show
create or replace macro unit_names(p_digits) as table
    select region_code as unit_code, region_name as unit_name from regions where p_digits > 0
    union all
    select center_id, center_name from centers where p_digits = 0;
