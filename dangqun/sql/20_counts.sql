-- Counts to be summed for the window: from the rollups (rollups.sql) for whole months, else from
-- filtered_records (10_filters.sql), with the same sums either way (tests/test_rollups.py). DuckDB drops
-- the branch whose whole_months condition is false before reading anything.
-- The count columns are named once, in category_channel_counts' record branch (and the rollups'
-- definitions); everything after it takes them by name (union all by name, COLUMNS(*)).

-- grain: rows of counts of the rollups for the whole months p_start..p_end in the region, to be summed, each
-- with its center (center_id, region_code, center_name, center_type), month and unsatisfied_reason, and the
-- counts of rollup_center_month as they are (u.*) but for 超期 as of p_end (rollup_overdue). p_split: the rows
-- of rollup_center_month, by 大类 and 渠道 (category_code, channel); else those of rollup_center_month_total,
-- a twelfth of them (category_code and channel null). The branch not asked for is dropped before it is read.
create or replace macro rollup_counts(p_region, p_start, p_end, p_split) as table
    select
        c.region_code, c.center_name, c.center_type,
        u.* exclude (closed_late, open_due_on),
        rollup_overdue(u.closed_late, u.open_due_on, u.received, p_end) as overdue
    from (
        select * from rollup_center_month where p_split
        union all by name
        select * from rollup_center_month_total where not p_split
    ) u
    join centers c using (center_id)
    where c.region_code like p_region || '%'
      and u.month between p_start::date and p_end::date;

-- grain: rows of counts (not records) for the window, to be summed: received, closed, closed_on_time,
-- overdue, valid, contacted, solved, satisfied, basic, unsatisfied, proxy, proactive, with each row's
-- center (center_id, region_code, center_name, center_type), month, category_code, channel and
-- unsatisfied_reason (the 不满意原因 of rows counting 不满意 answers, else null): the counts by 大类 and 渠道.
-- A window of whole months reads rollup_center_month (rollup_counts); any other window counts
-- filtered_records one row per record, each count the record's flag as 0 or 1 under the name of its rollup
-- column.
create or replace macro category_channel_counts(p_region, p_start, p_end, p_category, p_channel) as table
    select
        center_id, region_code, center_name, center_type, month, category_code, channel,
        case when is_unsatisfied then dissatisfaction_reason end as unsatisfied_reason,
        1 as received,
        is_closed::int as closed,
        is_on_time::int as closed_on_time,
        is_overdue::int as overdue,
        is_valid::int as valid,
        is_contacted::int as contacted,
        is_solved::int as solved,
        is_satisfied::int as satisfied,
        is_basic::int as basic,
        is_unsatisfied::int as unsatisfied,
        is_proxy_case::int as proxy,
        is_proactive::int as proactive
    from filtered_records(p_region, p_start, p_end, p_category, p_channel)
    where not whole_months(p_start, p_end)
    union all by name
    select *
    from rollup_counts(p_region, p_start, p_end, true)
    where whole_months(p_start, p_end)
      and (p_category = '' or category_code = p_category)
      and (p_channel = '' or channel = p_channel);

-- grain: rows of counts for the window, to be summed, as category_channel_counts but without the
-- category_code and channel columns: what every question not split by 大类 or 渠道 reads. With neither
-- filtered, whole months read rollup_center_month_total, a twelfth of the rows; otherwise the rows of
-- category_channel_counts (same sums: tests/test_rollups.py).
create or replace macro record_counts(p_region, p_start, p_end, p_category, p_channel) as table
    select * exclude (category_code, channel)
    from category_channel_counts(p_region, p_start, p_end, p_category, p_channel)
    where not (whole_months(p_start, p_end) and p_category = '' and p_channel = '')
    union all by name
    select * exclude (category_code, channel)
    from rollup_counts(p_region, p_start, p_end, false)
    where whole_months(p_start, p_end) and p_category = '' and p_channel = '';

-- grain: as record_counts, with every count as it stood at the end of day p_as_of (a date; null: as
-- exported, which is record_counts itself). What a comparison period is counted by, so that it has had as
-- long to finish its cases as the period it is compared with (README「同口径对比」): a case closed after
-- p_as_of counts as still open then (超期 if its deadline fell before the window's end), and its 回访 as not
-- yet made (the data hold no 回访 date, and a 回访 follows the closing). A closed case without a closing
-- time counts as closed in time: nothing says otherwise.
-- Whole months with p_as_of on or after the window's end (every comparison period): the counts as exported
-- minus, for each case closed after p_as_of, what its closing added; those cases all closed after the month
-- they came in, so rollup_late_closings has them. Any other window counts the records themselves.
create or replace macro record_counts_as_of(p_region, p_start, p_end, p_category, p_channel, p_as_of) as table
    select * from record_counts(p_region, p_start, p_end, p_category, p_channel)
    where p_as_of is null or (whole_months(p_start, p_end) and p_as_of::date >= p_end::date)
    union all by name
    select
        l.center_id, c.region_code, c.center_name, c.center_type, l.month,
        l.unsatisfied_reason,
        0 as received,
        -1 as closed,
        -(l.is_on_time::int) as closed_on_time,
        -- it was open then: 超期 by its deadline, not by its late closing
        coalesce(l.due_on < p_end::date, false)::int - l.is_closed_late::int as overdue,
        -(l.is_valid::int) as valid,
        -(l.is_contacted::int) as contacted,
        -(l.is_solved::int) as solved,
        -(l.is_satisfied::int) as satisfied,
        -(l.is_basic::int) as basic,
        -(l.is_unsatisfied::int) as unsatisfied,
        0 as proxy,
        0 as proactive
    from rollup_late_closings l
    join centers c using (center_id)
    where p_as_of is not null and whole_months(p_start, p_end) and p_as_of::date >= p_end::date
      and c.region_code like p_region || '%'
      and l.month between p_start::date and p_end::date
      and l.closed_on > p_as_of::date
      and (p_category = '' or l.category_code = p_category)
      and (p_channel = '' or l.channel = p_channel)
    union all by name
    select
        center_id, region_code, center_name, center_type, month,
        case when is_unsatisfied and not later then dissatisfaction_reason end as unsatisfied_reason,
        1 as received,
        (is_closed and not later)::int as closed,
        (is_on_time and not later)::int as closed_on_time,
        overdue_at(is_closed_late and not later, is_open or later, due_on, p_end)::int as overdue,
        (is_valid and not later)::int as valid,
        (is_contacted and not later)::int as contacted,
        (is_solved and not later)::int as solved,
        (is_satisfied and not later)::int as satisfied,
        (is_basic and not later)::int as basic,
        (is_unsatisfied and not later)::int as unsatisfied,
        is_proxy_case::int as proxy,
        is_proactive::int as proactive
    from (
        -- later: closed after p_as_of
        select *, coalesce(is_closed and closed_at >= (p_as_of::date + 1)::timestamp, false) as later
        from filtered_records(p_region, p_start, p_end, p_category, p_channel)
        where p_as_of is not null and not (whole_months(p_start, p_end) and p_as_of::date >= p_end::date)
    );

-- grain: one row per center of the region with records in the window: every count of record_counts
-- summed per center (the unit most rankings and cost tables start from); p_as_of as in record_counts_as_of
create or replace macro center_record_counts(p_region, p_start, p_end, p_category, p_channel, p_as_of := null) as table
    select
        center_id,
        any_value(region_code) as region_code,
        sum(columns(* exclude (center_id, region_code, center_name, center_type, month, unsatisfied_reason)))::bigint
    from record_counts_as_of(p_region, p_start, p_end, p_category, p_channel, p_as_of)
    group by center_id;

-- The child unit a center counts under: its region code cut to p_digits and padded back to 12
-- digits (a town of a county, a village of a town …); below a village (p_digits = 0) the center itself.
create or replace macro unit_of(p_center_id, p_region_code, p_digits) as
    case when p_digits = 0 then p_center_id else rpad(left(p_region_code, p_digits), 12, '0') end;

-- grain: one row per child unit (unit_of with p_digits) of the region with records in the window:
-- center_record_counts summed per unit (rankings, funds per unit)
create or replace macro unit_record_counts(p_region, p_start, p_end, p_category, p_channel, p_digits, p_as_of := null) as table
    select
        unit_of(center_id, region_code, p_digits) as unit_code,
        -- every count of center_record_counts, under its own name
        sum(columns(* exclude (center_id, region_code)))::bigint
    from center_record_counts(p_region, p_start, p_end, p_category, p_channel, p_as_of := p_as_of)
    group by 1;

-- grain: one row per unit code a child unit can have (unit_of with p_digits): regions by their code,
-- or centers by their id below a village (p_digits = 0), with the name to show
create or replace macro unit_names(p_digits) as table
    select region_code as unit_code, region_name as unit_name from regions where p_digits > 0
    union all
    select center_id, center_name from centers where p_digits = 0;

-- The name to show for a unit code (unit_of with p_digits): unit_names', or the code itself where it has none.
create or replace macro unit_name(p_unit_code, p_digits) as
    coalesce((select n.unit_name from unit_names(p_digits) n where n.unit_code = p_unit_code), p_unit_code);

-- The names to show for a 事项 and a 事项大类 code: the catalog's, or the code itself where it has none.
create or replace macro item_name(p_item_code) as
    coalesce((select g.item_name from catalog g where g.item_code = p_item_code), p_item_code);

create or replace macro category_name(p_category_code) as
    coalesce((select any_value(g.category_name) from catalog g where g.category_code = p_category_code),
             p_category_code);

-- grain: one row per child unit (unit_of with p_digits; a center when 0) of the region with funds or records in
-- the window: what it was given, 投入(万元) of the window's fiscal years (funds_wan) and the part of it falling in
-- the window (period_wan, filtered_funds), against what it delivered: the counts of unit_record_counts behind
-- 受理量, 办结量, 满意率 and 综合成绩 (0 where it had none). 每万元服务量 and 单件成本 divide by period_wan.
create or replace macro unit_funds(p_region, p_start, p_end, p_category, p_channel, p_digits) as table
    select
        coalesce(r.unit_code, f.unit_code) as unit_code,
        coalesce(f.funds_wan, 0)::decimal(18, 2) as funds_wan,
        coalesce(f.period_wan, 0) as period_wan,
        -- each count under its own name
        coalesce(columns(r.* exclude (unit_code)), 0)
    from (
        select unit_code, received, closed, valid, contacted, solved, satisfied, basic
        from unit_record_counts(p_region, p_start, p_end, p_category, p_channel, p_digits)
    ) r
    full outer join (
        select
            unit_of(center_id, region_code, p_digits) as unit_code,
            sum(amount_wan)::decimal(18, 2) as funds_wan,
            sum(period_wan) as period_wan
        from filtered_funds(p_region, p_start, p_end)
        group by 1
    ) f using (unit_code);

-- grain: rows of counts by 事项 for the window, to be summed: received, closed, overdue with each row's
-- center_id, month and item_code. Whole months with no 渠道 filter read rollup_center_month_item,
-- others filtered_records, as category_channel_counts does (same sums: tests/test_rollups.py).
create or replace macro item_counts(p_region, p_start, p_end, p_category, p_channel) as table
    select
        u.center_id, u.month, u.item_code, u.received, u.closed,
        rollup_overdue(u.closed_late, u.open_due_on, u.received, p_end) as overdue
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
