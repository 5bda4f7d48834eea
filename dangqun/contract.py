"""The data contract of the import (README 命令行): each import kind, its Chinese headers, types and enumerations.

One place for it: the importer reads headers through it, the demo writes example exports with it,
and the pages translate column names with it.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str            # English column in the database
    header: str          # canonical Chinese header in an export
    type: str            # varchar | timestamp | date | boolean | integer | double | decimal
    required: bool = False
    enum: tuple[str, ...] | None = None
    aliases: tuple[str, ...] = ()
    personal: bool = False   # masked on the way in
    free_text: bool = False  # long text typed by people: digit runs (phones, ID and card numbers) masked inside it
    max_len: int = 2000      # characters; longer cells are quarantined, not truncated


@dataclass(frozen=True)
class Kind:
    name: str            # table name
    label: str           # Chinese name of the kind
    id_column: str
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


CHANNELS = ("窗口", "电话", "网上", "家庭代办站", "12345转办", "上门", "主动发现")
ORIGINS = ("群众诉求", "未诉先办")
GROUP_TAGS = ("老年人", "残疾人", "低保", "退役军人", "党员", "新就业群体", "其他")
STATUSES = ("待受理", "办理中", "已办结", "退回", "延期")
SATISFACTION = ("满意", "基本满意", "不满意")
CENTER_TYPES = ("村级党群服务中心", "社区党群服务中心", "乡镇街道党群服务中心", "家庭代办站", "新就业群体驿站")
BUILD_TYPES = ("新建", "改扩建", "回收集体房屋", "租用", "共建共享", "原有")
FUND_SOURCES = ("财政专项", "党费", "整合项目资金", "帮扶单位", "村集体自筹", "社会捐赠")
FUND_PURPOSES = ("新建", "改扩建", "设备购置", "宣传阵地", "运行经费", "活动经费")
ACTIVITY_TYPES = ("教育培训", "文化宣传", "文明实践", "农业技术讲座", "志愿服务", "农产品评比", "党员轮训",
                  "健康服务", "矛盾调解")
VENUES = ("室内", "广场院落", "田间地头", "大棚车间")
REGION_LEVELS = ("省", "市", "县", "乡镇街道", "村社区")
HANDLING_MODES = ("即办", "承诺件", "全程代办", "网上代办")

SERVICE_RECORDS = Kind("service_records", "服务记录", "record_id", (
    Column("record_id", "受理编号", "varchar", True, aliases=("工单编号", "工单号", "受理号", "业务编号")),
    Column("center_id", "中心编码", "varchar", True, aliases=("服务中心编码", "站点编码")),
    Column("received_at", "受理时间", "timestamp", True, aliases=("登记时间", "工单创建时间")),
    Column("channel", "受理渠道", "varchar", enum=CHANNELS, aliases=("来源渠道",)),
    Column("origin", "诉求来源", "varchar", enum=ORIGINS),
    Column("item_code", "事项编码", "varchar", True, aliases=("服务事项编码",)),
    Column("group_tag", "人群标签", "varchar", enum=GROUP_TAGS, aliases=("人群类别",)),
    Column("resident_name", "服务对象", "varchar", personal=True, aliases=("群众姓名", "姓名", "申请人")),
    Column("phone", "联系电话", "varchar", personal=True, aliases=("手机号", "电话", "手机号码")),
    Column("is_proxy", "是否代办", "boolean"),
    Column("dispatched_at", "派单时间", "timestamp"),
    Column("accepted_at", "接单时间", "timestamp"),
    Column("replied_at", "回单时间", "timestamp"),
    Column("promised_days", "承诺时限(工作日)", "integer", aliases=("承诺时限", "办理时限(工作日)")),
    Column("closed_at", "办结时间", "timestamp", aliases=("完成时间",)),
    Column("status", "办理状态", "varchar", True, enum=STATUSES, aliases=("状态", "工单状态")),
    Column("handler", "承办人", "varchar", personal=True, aliases=("经办人", "代办员")),
    Column("in_assessment", "是否纳入考核", "boolean"),
    Column("survey_valid", "是否有效回访", "boolean"),
    Column("contacted", "是否联系", "boolean"),
    Column("solved", "是否解决", "boolean"),
    Column("satisfaction", "满意度", "varchar", enum=SATISFACTION, aliases=("满意程度",)),
    Column("score", "评分", "integer"),
    Column("dissatisfaction_reason", "不满意原因", "varchar"),
    # optional free text (hot-topic analysis reads it); a message or a reply may run to several pages
    Column("request_text", "诉求内容", "varchar", aliases=("诉求描述", "留言详情", "反映内容"), free_text=True,
           max_len=20000),
    Column("reply_text", "答复意见", "varchar", aliases=("回复内容", "办理结果"), free_text=True, max_len=20000),
))

CENTERS = Kind("centers", "服务中心", "center_id", (
    Column("center_id", "中心编码", "varchar", True, aliases=("服务中心编码", "站点编码")),
    Column("center_name", "中心名称", "varchar", True, aliases=("服务中心名称", "站点名称")),
    Column("region_code", "区划代码", "varchar", True, aliases=("行政区划代码", "所在区划代码")),
    Column("center_type", "中心类型", "varchar", True, enum=CENTER_TYPES, aliases=("站点类型",)),
    Column("parent_center_id", "上级中心编码", "varchar"),
    Column("build_type", "建设方式", "varchar", enum=BUILD_TYPES),
    Column("floor_area_m2", "建筑面积(㎡)", "double", aliases=("建筑面积", "建筑面积(平方米)", "面积(㎡)")),
    Column("opened_on", "投用日期", "date", aliases=("投入使用日期",)),
    Column("brand_name", "党建品牌", "varchar", aliases=("品牌名称",)),
    Column("brand_category", "品牌类别", "varchar"),
    Column("functional_branches", "功能型党支部数", "integer"),
    Column("volunteer_teams", "志愿服务队数", "integer", aliases=("志愿者队伍数",)),
    Column("staff_count", "专职人员数", "integer"),
    Column("has_ab_post", "是否24小时AB岗", "boolean", aliases=("AB岗",)),
    # optional position (README 地图与边界): WGS-84 / CGCS2000 degrees, where the 地图 draws the center; a mapping
    # profile maps a platform's Latitude/Longitude onto them (the aliases let `dangqun map` find them)
    Column("longitude", "经度", "double", aliases=("东经", "经度(°)", "Longitude", "lng", "lon", "X坐标")),
    Column("latitude", "纬度", "double", aliases=("北纬", "纬度(°)", "Latitude", "lat", "Y坐标")),
))
# the range each position column must lie in (degrees); outside it a row is quarantined
COORDINATE_RANGES = {"longitude": (-180.0, 180.0), "latitude": (-90.0, 90.0)}

FUNDS = Kind("funds", "资金投入", "project_id", (
    Column("project_id", "项目编号", "varchar", True, aliases=("项目编码",)),
    Column("center_id", "中心编码", "varchar", True, aliases=("服务中心编码",)),
    Column("fiscal_year", "年度", "integer", True, aliases=("资金年度",)),
    Column("fund_source", "资金来源", "varchar", True, enum=FUND_SOURCES),
    Column("source_dept", "来源部门", "varchar"),
    Column("amount_wan", "金额(万元)", "decimal", True, aliases=("金额", "投入金额(万元)", "资金(万元)")),
    Column("purpose", "资金用途", "varchar", enum=FUND_PURPOSES, aliases=("用途",)),
    Column("disbursed_on", "拨付日期", "date"),
))

ACTIVITIES = Kind("activities", "活动记录", "activity_id", (
    Column("activity_id", "活动编号", "varchar", True, aliases=("活动编码",)),
    Column("center_id", "中心编码", "varchar", True, aliases=("服务中心编码",)),
    Column("activity_date", "活动日期", "date", True, aliases=("活动时间",)),
    Column("activity_type", "活动类型", "varchar", True, enum=ACTIVITY_TYPES),
    Column("venue", "活动地点", "varchar", enum=VENUES),
    Column("participants", "参与人数", "integer"),
    Column("volunteers", "志愿者人数", "integer"),
    Column("volunteer_hours", "志愿服务时长(小时)", "double", aliases=("志愿服务时长",)),
))

KINDS: dict[str, Kind] = {k.name: k for k in (SERVICE_RECORDS, CENTERS, FUNDS, ACTIVITIES)}

# Dictionaries shipped in sample_data/ (not imported by users, but described the same way).
REGION_HEADERS = {"region_code": "区划代码", "region_name": "区划名称", "level": "层级", "parent_code": "上级区划代码"}
CATALOG_HEADERS = {"item_code": "事项编码", "category_code": "大类编码", "category_name": "大类名称",
                   "item_name": "事项名称", "handling_mode": "办理方式", "promised_days": "承诺时限(工作日)"}


def chinese_headers(kind: str) -> dict[str, str]:
    """English column → canonical Chinese header, in contract order."""
    return {c.name: c.header for c in KINDS[kind].columns}
