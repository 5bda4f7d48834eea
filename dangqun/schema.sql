-- The stored tables. English column names, codes and ids VARCHAR.
-- Created idempotently by dangqun.db.ensure_schema.

create table if not exists meta (
    key   varchar primary key,
    value varchar
);

-- grain: one row per administrative division (province … village/community)
create table if not exists regions (
    region_code varchar primary key,   -- 12 digits
    region_name varchar not null,
    level       varchar not null,      -- 省/市/县/乡镇街道/村社区
    parent_code varchar
);

-- grain: one row per service item (事项)
create table if not exists catalog (
    item_code     varchar primary key, -- 4 digits: 大类编码 + 2
    category_code varchar not null,
    category_name varchar not null,
    item_name     varchar not null,
    handling_mode varchar,
    promised_days integer
);

-- grain: one row per service center or station
create table if not exists centers (
    center_id           varchar primary key,
    center_name         varchar not null,
    region_code         varchar not null,
    center_type         varchar not null,
    parent_center_id    varchar,
    build_type          varchar,
    floor_area_m2       double,
    opened_on           date,
    brand_name          varchar,
    brand_category      varchar,
    functional_branches integer,
    volunteer_teams     integer,
    staff_count         integer,
    has_ab_post         boolean,
    longitude           double,        -- 经度, WGS-84 / CGCS2000 (optional; the 地图 draws the center there)
    latitude            double         -- 纬度
);
-- databases created before the map (README 地图与边界)
alter table centers add column if not exists longitude double;
alter table centers add column if not exists latitude double;

-- grain: one row per region with a boundary a department imported (dangqun.boundaries: its own town or
-- county polygons; shipped county shapes are read from the boundary package, not stored). geojson is the
-- geometry simplified for display, as GeoJSON text (WGS-84 / CGCS2000 longitude, latitude).
create table if not exists boundaries (
    region_code varchar primary key,   -- 12 digits, in the regions dictionary at the level imported
    region_name varchar not null,
    level       varchar not null,      -- town / county
    geojson     varchar not null,
    source_file varchar,
    imported_at timestamp not null,
    imported_by varchar
);

-- grain: one row per service record (受理编号). Names and phones are stored masked only;
-- no primary-key index: at 20 million rows DuckDB's ART index costs gigabytes, so ids are kept
-- unique by the importer (anti-join on record_id) and the demo generator instead.
-- resident_hash is a salted hash of name + phone for repeat-visit counts.
-- due_on is derived on the way in: received date + promised working days (chinese-calendar).
create table if not exists service_records (
    record_id              varchar not null,
    center_id              varchar not null,
    received_at            timestamp not null,
    channel                varchar,
    origin                 varchar,
    item_code              varchar not null,
    group_tag              varchar,
    resident_name          varchar,
    phone                  varchar,
    resident_hash          varchar,
    is_proxy               boolean,
    dispatched_at          timestamp,
    accepted_at            timestamp,
    replied_at             timestamp,
    promised_days          integer,
    due_on                 date,
    closed_at              timestamp,
    status                 varchar not null,
    handler                varchar,
    in_assessment          boolean,
    survey_valid           boolean,
    contacted              boolean,
    solved                 boolean,
    satisfaction           varchar,
    score                  integer,
    dissatisfaction_reason varchar,
    request_text           varchar,   -- 诉求内容, phone/ID/card numbers masked inside the text
    reply_text             varchar    -- 答复意见, masked the same way
);
-- databases created before the free-text columns
alter table service_records add column if not exists request_text varchar;
alter table service_records add column if not exists reply_text varchar;

-- grain: one row per fund project
create table if not exists funds (
    project_id  varchar primary key,
    center_id   varchar not null,
    fiscal_year integer not null,
    fund_source varchar not null,
    source_dept varchar,
    amount_wan  decimal(14, 2) not null,
    purpose     varchar,
    disbursed_on date
);

-- grain: one row per activity
create table if not exists activities (
    activity_id     varchar primary key,
    center_id       varchar not null,
    activity_date   date not null,
    activity_type   varchar not null,
    venue           varchar,
    participants    integer,
    volunteers      integer,
    volunteer_hours double
);

create sequence if not exists import_id_seq;

-- grain: one row per file imported (or rejected)
create table if not exists import_log (
    import_id    integer primary key,
    imported_at  timestamp not null,
    file_name    varchar not null,
    content_hash varchar,
    kind         varchar,
    encoding     varchar,
    rows_read    integer,
    imported     integer,
    updated      integer,
    duplicates   integer,
    quarantined  integer,
    status       varchar,             -- 已处理 / 已拒绝
    message      varchar,
    imported_by  varchar
);
-- rows a mapping profile skipped (e.g. a platform's duplicate tickets) and the profile with its constants
-- and derivations; null for files in contract format
alter table import_log add column if not exists skipped integer;
alter table import_log add column if not exists mapping varchar;

-- grain: one row per rejected input row (and per reason). raw is the row as JSON, personal fields masked.
create table if not exists quarantine (
    import_id  integer,
    file_name  varchar not null,
    kind       varchar,
    row_number integer,
    column_name varchar,
    reason     varchar not null,
    center_id  varchar,
    raw        varchar
);

-- The tables officials write while they use the dashboard (accounts, sessions, audit_log, alert_status) are
-- in the operational store (dangqun/state.py). A database of an older release still holds sessions,
-- audit_log and alert_status: dangqun.publish.prepare moves their rows there and drops them.

-- grain: one row per alert of a month (dangqun.alerts.ensure), found over the whole province at the data
-- version and rule definitions alert_run names for its month. Recomputed when either changed, and for the
-- data's latest month after every import, so the 预警 page, the 大屏, the 地图 and the 通报 read alerts
-- instead of computing them. Every rule's unit is a town except 热点's, the province's here (a smaller
-- region's 热点 is its own, computed when asked). Read through a view restricted to the caller's scope
-- (db.REGION_TABLES: region_code is the unit's code).
create table if not exists alert_found (
    alert_key        varchar primary key,   -- rule|unit_code|subject|period (alert_status's key)
    period           varchar not null,      -- YYYY-MM
    rule             varchar not null,      -- dangqun.alerts.RULES
    severity         varchar not null,      -- 高 / 中 / 低
    region_code      varchar not null,      -- the unit's code: the scope's filter
    unit_name        varchar not null,
    subject          varchar not null,
    subject_name     varchar not null,
    numbers_text     varchar not null,      -- the short figures' sentence, an i18n key with {placeholders}
    explanation_text varchar not null,      -- the explanation's sentence, likewise
    args             varchar not null,      -- JSON: the placeholders' values, formatted
    drill_page       varchar not null,
    drill_region     varchar not null,
    drill_item       varchar not null,
    p_value          double
);

-- grain: one row per month whose alerts alert_found holds
create table if not exists alert_run (
    period      varchar primary key,   -- YYYY-MM
    run_key     varchar not null,      -- data version | rules' version | configuration's fingerprint
    as_of       date not null,         -- the day open cases were counted late to
    computed_at timestamp not null,
    seconds     double not null,       -- how long the computation took
    alerts      integer not null
);

-- grain: one row per record behind a stored 重复诉求, 超期积压 or 热点 alert (alert_found): the records the 预警
-- page lists under the alert, stored with it so that opening one reads a few rows instead of the records.
-- Names and phones as stored in service_records (masked). Read within the scope like alert_found.
create table if not exists alert_case (
    alert_key     varchar not null,
    period        varchar not null,
    region_code   varchar not null,   -- the alert's unit: the scope's filter
    record_id     varchar not null,
    received_at   timestamp,
    center_name   varchar,
    item_code     varchar,
    item_name     varchar,
    resident_name varchar,
    phone         varchar,
    status        varchar,
    due_on        date,
    request_text  varchar,            -- 诉求内容 (a 热点's records), masked as stored
    primary key (alert_key, record_id)
);
alter table alert_case add column if not exists request_text varchar;

-- grain: one row per record of a stored topic of 诉求内容 (dangqun.topics), of the month (this_month) or of the
-- month before as similar to the topic: stored with the month's alerts (dangqun.alerts.ensure), so that the
-- 热点 section, the 通报 and `dangqun topics` read a few rows and count each topic within the reader's scope.
-- Read within the scope like alert_found, by the record's region.
create table if not exists topic_member (
    period        varchar not null,   -- YYYY-MM
    topic_key     varchar not null,   -- county code:label
    county_code   varchar not null,   -- topics are found county by county
    rank          integer not null,   -- the topic's place among its county's topics, biggest first
    label         varchar not null,   -- the matter in a few words: place, object, problem
    keywords      varchar not null,   -- heaviest first, separated by spaces
    hot           boolean not null,   -- big and concentrated (config/alerts.toml [topics])
    severity      varchar not null,   -- 中 / 低 for a hot topic, else empty
    region_code   varchar not null,   -- the record's center's region: the scope's filter
    town_code     varchar not null,
    town_name     varchar not null,
    center_name   varchar,
    record_id     varchar not null,
    this_month    boolean not null,   -- false: a record of the month before, similar to the topic
    received_at   timestamp not null,
    resident_hash varchar,
    request_text  varchar,            -- masked, as stored in service_records
    primary key (period, topic_key, record_id)
);
