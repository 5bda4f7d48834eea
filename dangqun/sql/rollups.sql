-- Rollups of service_records (README 新增计数指标): what the pages count, kept per center
-- and month received so that a page reads thousands of rows instead of millions of records. Built from
-- flagged_records (00_flags.sql) only; read through the macros of 20_counts.sql (rollup_counts, record_counts,
-- category_channel_counts, item_counts, group_counts, late_records). Kept exact by dangqun.rollups
-- (demo build, every import, and a rebuild on opening when this file or 00_flags.sql changed). Every rollup has
-- center_id and month: an import replaces the rows of the (center, month) pairs it touched.
-- Region is not stored: a row joins its center, so a center moved to another region stays right.
-- Each table's refresh statement follows its "-- refresh: <table> --" line below.

-- grain: one row per center × month × 大类 × 渠道 × (for open cases) deadline × (for 不满意 answers) reason.
-- open_due_on is the deadline of open cases (待受理/办理中/延期) and null for all others, so
-- 超期 "as of the window's end" (is_overdue in 10_filters.sql) stays exact for any end date:
-- overdue = closed_late + received of the rows with open_due_on < end.
-- unsatisfied_reason is the 不满意原因 of the 不满意 among the 有效回访, null for all others: the few extra
-- rows it costs answer dissatisfaction_reasons from the rollup too.
create table if not exists rollup_center_month (
    center_id       varchar not null,
    month           date    not null,
    category_code   varchar not null,
    channel         varchar,
    open_due_on     date,
    unsatisfied_reason varchar,
    received        bigint  not null,
    closed          bigint  not null,
    closed_on_time  bigint  not null,
    closed_late     bigint  not null,
    valid           bigint  not null,
    contacted       bigint  not null,
    solved          bigint  not null,
    satisfied       bigint  not null,
    basic           bigint  not null,
    unsatisfied     bigint  not null,
    proxy           bigint  not null,
    proactive       bigint  not null
);

-- grain: one row per center × month × (for open cases) deadline × (for 不满意 answers) reason: the rows of
-- rollup_center_month summed over 大类 and 渠道, which most questions do not split by. About 1/12 of its
-- rows at the demo's 20 million records, so a province-wide page reads ~140 thousand rows, not 1.8 million.
-- Its columns are rollup_center_month's without 大类 and 渠道, so a count added there is here too.
create table if not exists rollup_center_month_total as
select * exclude (category_code, channel) from rollup_center_month limit 0;

-- grain: one row per center × month × 事项 × (for open cases) deadline: the 服务办理 page's counts by
-- 事项 (service_items). Overdue as in rollup_center_month. No 渠道: a 渠道 filter counts the records
-- (item_counts in 20_counts.sql), which keeps this refresh, run by every import, short.
create table if not exists rollup_center_month_item (
    center_id       varchar not null,
    month           date    not null,
    item_code       varchar not null,
    open_due_on     date,
    received        bigint  not null,
    closed          bigint  not null,
    closed_late     bigint  not null
);

-- grain: one row per center × month × 大类 × 人群标签 (null when not given): whom the centers serve
-- (service_groups). No 渠道, as rollup_center_month_item.
create table if not exists rollup_center_month_group (
    center_id       varchar not null,
    month           date    not null,
    category_code   varchar not null,
    group_tag       varchar,
    received        bigint  not null,
    closed          bigint  not null,
    proxy           bigint  not null
);

-- grain: one row per service record that is 超期 for some window end: closed after its deadline, or
-- still open (待受理/办理中/延期) — about 3 % of the records. The 超期件 list (overdue_cases) reads
-- these instead of scanning every record; whether an open case is late is decided at the window's end.
create table if not exists rollup_late_records (
    record_id       varchar not null,
    center_id       varchar not null,
    month           date    not null,
    category_code   varchar not null,
    channel         varchar,
    item_code       varchar,
    received_at     timestamp,
    promised_days   integer,
    due_on          date,
    closed_at       timestamp,
    status          varchar,
    is_closed_late  boolean not null,
    is_open         boolean not null
);

-- grain: one row per service record closed after the end of the month it was received in (about 12 % of the
-- demo's records): every case a comparison period counted "as of" a day on or after its end
-- (record_counts_as_of in 20_counts.sql) may have to count as still open then. Its flags are
-- flagged_records'; closed_on is the closing day.
create table if not exists rollup_late_closings (
    center_id       varchar not null,
    month           date    not null,
    category_code   varchar not null,
    channel         varchar,
    closed_on       date    not null,
    due_on          date,
    is_on_time      boolean not null,
    is_closed_late  boolean not null,
    is_valid        boolean not null,
    is_contacted    boolean not null,
    is_solved       boolean not null,
    is_satisfied    boolean not null,
    is_basic        boolean not null,
    is_unsatisfied  boolean not null,
    unsatisfied_reason varchar
);

-- Each statement recomputes its table's rows for the records of the (center_id, month) pairs in the
-- temp table rollup_touched (filled by dangqun.rollups: every pair for a rebuild, an import's pairs
-- otherwise). The flags are those of flagged_records in 00_flags.sql, the one definition of each count.
-- refresh: rollup_center_month --
insert into rollup_center_month by name
select
    f.center_id,
    f.month,
    f.category_code,
    f.channel,
    case when f.is_open then f.due_on end as open_due_on,
    case when f.is_unsatisfied then f.dissatisfaction_reason end as unsatisfied_reason,
    count(*) as received,
    count_if(f.is_closed) as closed,
    count_if(f.is_on_time) as closed_on_time,
    count_if(f.is_closed_late) as closed_late,
    count_if(f.is_valid) as valid,
    count_if(f.is_contacted) as contacted,
    count_if(f.is_solved) as solved,
    count_if(f.is_satisfied) as satisfied,
    count_if(f.is_basic) as basic,
    count_if(f.is_unsatisfied) as unsatisfied,
    count_if(f.is_proxy_case) as proxy,
    count_if(f.is_proactive) as proactive
from flagged_records() f
semi join rollup_touched t on t.center_id = f.center_id and t.month = f.month
group by all;

-- From rollup_center_month just refreshed (the statements run in this order), not from the records:
-- summing its few rows per (center, month) is what keeps this refresh nearly free for an import.
-- refresh: rollup_center_month_total --
insert into rollup_center_month_total by name
select
    u.center_id,
    u.month,
    u.open_due_on,
    u.unsatisfied_reason,
    -- every count of rollup_center_month, summed over 大类 and 渠道, under its own name
    sum(columns(u.* exclude (center_id, month, category_code, channel, open_due_on, unsatisfied_reason)))::bigint
from rollup_center_month u
semi join rollup_touched t on t.center_id = u.center_id and t.month = u.month
group by all;

-- refresh: rollup_center_month_item --
insert into rollup_center_month_item
select
    f.center_id,
    f.month,
    f.item_code,
    case when f.is_open then f.due_on end as open_due_on,
    count(*) as received,
    count_if(f.is_closed) as closed,
    count_if(f.is_closed_late) as closed_late
from flagged_records() f
semi join rollup_touched t on t.center_id = f.center_id and t.month = f.month
group by all;

-- refresh: rollup_center_month_group --
insert into rollup_center_month_group
select
    f.center_id,
    f.month,
    f.category_code,
    f.group_tag,
    count(*) as received,
    count_if(f.is_closed) as closed,
    count_if(f.is_proxy_case) as proxy
from flagged_records() f
semi join rollup_touched t on t.center_id = f.center_id and t.month = f.month
group by all;

-- refresh: rollup_late_records --
insert into rollup_late_records
select
    f.record_id, f.center_id, f.month, f.category_code, f.channel, f.item_code, f.received_at,
    f.promised_days, f.due_on, f.closed_at, f.status, f.is_closed_late, f.is_open
from flagged_records() f
semi join rollup_touched t on t.center_id = f.center_id and t.month = f.month
where f.is_closed_late or f.is_open;

-- refresh: rollup_late_closings --
insert into rollup_late_closings
select
    f.center_id, f.month, f.category_code, f.channel, f.closed_at::date as closed_on, f.due_on,
    f.is_on_time, f.is_closed_late, f.is_valid, f.is_contacted, f.is_solved, f.is_satisfied, f.is_basic,
    f.is_unsatisfied, case when f.is_unsatisfied then f.dissatisfaction_reason end as unsatisfied_reason
from flagged_records() f
semi join rollup_touched t on t.center_id = f.center_id and t.month = f.month
where f.is_closed and f.closed_at >= (f.month + interval 1 month);
