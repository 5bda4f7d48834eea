-- Rollups of service_records (DESIGN §2 "tables + rollups"): the counts the metrics of DESIGN §4 need,
-- per center, month received, 事项大类 and 受理渠道, so a whole-month window reads ~20 k rows per
-- year of a province instead of millions of records. Read through the record_counts macro in
-- dangqun/macros.sql; kept exact by dangqun.rollups (demo build, every import, schema version).
-- Region is not stored: a row joins its center, so a center moved to another region stays right.

-- grain: one row per center × month × 大类 × 渠道 × (for open cases) deadline × (for 不满意 answers) reason.
-- open_due_on is the deadline of open cases (待受理/办理中/延期) and null for all others, so
-- 超期 "as of the window's end" (is_overdue in macros.sql) stays exact for any end date:
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

-- refresh --
-- grain: as rollup_center_month, for the records of the (center_id, month) pairs in the temp table
-- rollup_touched (filled by dangqun.rollups: every pair for a rebuild, an import's pairs otherwise).
-- The flags are those of flagged_records in macros.sql, the one definition of each count.
insert into rollup_center_month
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
