"""诉求内容 (request_text) of the demo's service records: what a resident said or wrote, in a lead (who and
where: the record's own village, community or town, sometimes a 小区, 路 or corner of it), a matter (an object
and a problem fitting the record's 事项: 路灯不亮, 下水道堵塞, 社保卡补办需要哪些材料) and a closing.

Records received by 电话, 网上 or 12345转办 carry a text (about 31 % of the demo): there the resident's own
words are written down as the 工单 says them; at the window, on a home visit or in a station the 事项 chosen from
the catalog is the record. The texts are drawn from a generator of their own, so every other column draws what
it did without them; the strings are built once per lead (per center) and per matter, and a block's texts are
Arrow takes of those joined element-wise, so memory stays bounded at any size.

The vocabulary holds no 搅拌站 and no 停水: those are the planted matters' (dangqun.demo.anomalies), and no
routine text may look like one of them. It holds no digits either, so no text has anything to mask."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dangqun import contract
from dangqun.demo.centers import VILLAGE

TEXT_CHANNELS = ("电话", "网上", "12345转办")

# the questions a resident asks about a service (the problem of an 事项 one applies for)
ASK = ("需要哪些材料", "在哪里办理", "办理进度", "多久能办好", "能不能代办", "需要本人到场吗", "有什么条件", "怎么办理")

# 事项 → (object, problems) pairs. An 事项 not listed is asked about under its own name with the questions
# of ASK; the ones listed below are where residents raise something wrong at a place ("fix") or ask in their
# own words about a thing (an 事项 of FIX_ITEMS leads and closes as a complaint, the others as a question).
MATTERS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "0102": (("党费", ("怎么交", "缴纳标准")),),
    "0104": (("流动党员", ("怎么登记", "登记需要哪些材料")),),
    "0201": (("城乡居民养老保险", ("怎么参保", "参保需要哪些材料")),),
    "0202": (("养老保险", ("断缴能不能补缴", "缴费档次怎么选", "代缴进度")),),
    "0203": (("养老待遇资格认证", ("在手机上怎么做", "认证不通过")),),
    "0204": (("养老金", ("什么时候发放", "领取申请进度")),),
    "0205": (("社保卡", ("申领进度", "申领需要哪些材料")),),
    "0206": (("社保卡", ("丢了怎么补办", "补办进度", "激活不了")),),
    "0207": (("社保缴费记录", ("查不到", "怎么查询")),),
    "0302": (("医保", ("缴费怎么代缴", "缴费截止时间", "缴费档次")),),
    "0303": (("医疗费用报销", ("办理进度", "需要哪些材料", "比例是多少")),),
    "0309": (("医保卡", ("信息有误", "丢了怎么补办")),),
    "0310": (("医保电子凭证", ("激活不了", "怎么使用")),),
    "0409": (("农民工工资", ("被拖欠", "讨要无果")),),
    "0501": (("低保", ("申请进度", "复核需要哪些材料", "金没有按时发放")),),
    "0504": (("高龄补贴", ("什么时候发放", "申请进度")),),
    "0510": (("居家养老服务", ("怎么申请", "收费标准")),),
    "0604": (("疫苗接种", ("怎么预约", "预约不上")),),
    "0702": (("残疾人两项补贴", ("没有到账", "申请进度")),),
    "0802": (("优待证", ("申领进度", "怎么申领")),),
    "0901": (("耕地地力保护补贴", ("什么时候发放", "没有到账")),),
    "0902": (("农机购置补贴", ("什么时候发放", "申请进度")),),
    "0904": (("宅基地", ("审批进度", "确权怎么办理")),),
    "0908": (("动物防疫", ("什么时候到村", "疫苗怎么领")),),
    "1001": (("身份证", ("到期换领", "丢了怎么补办", "办理进度")),),
    "1002": (("户口迁移", ("需要什么手续", "办理进度")),),
    "1007": (("老年证", ("在哪里办", "办理进度")),),
    "1201": (("水费", ("怎么代缴", "缴费后没到账")), ("电费", ("怎么代缴", "欠费提醒")),
             ("燃气费", ("怎么代缴", "卡充值失败"))),
    "1202": (("下水道", ("堵塞", "返水", "井盖破损")), ("电梯", ("经常停运", "故障困人", "运行有异响")),
             ("暖气", ("不热", "漏水")), ("供暖", ("温度不达标", "一直不热")), ("单元门", ("关不上", "门禁坏了")),
             ("自来水管", ("漏水", "冻裂")), ("屋顶", ("漏雨",))),
    "1203": (("垃圾", ("清运不及时", "堆在路边没人管")), ("垃圾箱", ("满了没人清", "破损")),
             ("化粪池", ("外溢", "散发臭味")), ("楼道杂物", ("堆放影响通行",)), ("饭店油烟", ("太大",)),
             ("路面积水", ("排不出去",))),
    "1204": (("路灯", ("不亮", "一到晚上就灭", "忽明忽暗")), ("路灯杆", ("倾斜", "被撞坏")),
             ("楼道灯", ("坏了", "不亮"))),
    "1101": (("土地边界", ("有纠纷",)), ("宅基地界限", ("有争议",)), ("工程款", ("被拖欠",))),
    "1104": (("征地补偿", ("迟迟未到位",)), ("违章建筑", ("无人处理",)), ("占道经营", ("影响通行",))),
    "1105": (("邻居装修", ("占用楼道", "时间太晚")), ("楼上", ("漏水到楼下",)), ("广场舞", ("音响太吵",)),
             ("院墙", ("界址有争议",))),
    "1107": (("物业", ("不作为", "收费不合理")), ("物业费", ("上涨", "收取标准不清")),
             ("小区停车位", ("被占用",))),
    "1108": (("工资", ("被拖欠", "结算有争议")), ("工伤赔偿", ("协商不成",))),
    "1208": (("老年助餐", ("怎么报名", "饭菜不合口味")),),
}
FIX_ITEMS = frozenset(("0409", "1101", "1104", "1105", "1107", "1108", "1202", "1203", "1204"))

# leads: {p} is the place (with its 小区, 路 or corner for a complaint); closings end the sentence
FIX_LEADS = ("{p}", "反映{p}", "{p}居民反映，", "我是{p}的居民，", "投诉{p}", "您好，{p}", "请求帮助，{p}")
ASK_LEADS = ("", "请问", "咨询", "{p}居民咨询", "您好，我是{p}的居民，想咨询一下", "{p}居民来电询问")
FIX_CLOSINGS = ("。", "，请尽快处理。", "，希望尽快解决。", "，已经好几天了。", "，影响正常生活。",
                "，请派人来看看。", "，多次反映没有结果。")
ASK_CLOSINGS = ("？", "，谢谢。", "。", "，麻烦告知一下。", "？急用。")

# a community's or town's 小区 and 路, a village's corners (three of them per center, drawn once)
TOWN_SPOTS = ("锦绣花园小区", "阳光家园小区", "福润苑小区", "滨江花园小区", "金港小区", "富民小区", "安居小区",
              "惠民小区", "建设路", "人民路", "中山路", "滨江路", "站前路", "兴华路", "振兴路", "文化路")
VILLAGE_SPOTS = ("村口", "村部附近", "东头", "西头", "后街", "南头")
SPOTS = 3
WITH_SPOT = 0.45          # of the complaints, how many name a spot inside the place


class TextMaker:
    """The texts of the records of one demo build: `draw` gives a block's request_text column."""

    def __init__(self, centers, catalog, places: list[str], rng):
        self.rng = rng
        self.fix = np.array([c in FIX_ITEMS for c in catalog.item_code])
        matters, offset, count = [], [], []
        for of_item in item_matters(catalog).values():
            offset.append(len(matters))
            matters += of_item
            count.append(len(of_item))
        self.matters = pa.array(matters, pa.string())
        self.matter_offset = np.array(offset, np.int64)
        self.matter_count = np.array(count, np.int64)

        # per center: FIX_LEADS × (no spot, spot 1–3), then ASK_LEADS
        self.per_center = len(FIX_LEADS) * (SPOTS + 1) + len(ASK_LEADS)
        leads = []
        for place, kind in zip(places, centers.kind):
            pool = VILLAGE_SPOTS if kind == VILLAGE else TOWN_SPOTS
            spots = [""] + [pool[i] for i in rng.choice(len(pool), SPOTS, replace=False)]
            leads += [lead.format(p=place + spot) for lead in FIX_LEADS for spot in spots]
            leads += [lead.format(p=place) for lead in ASK_LEADS]
        self.leads = pa.array(leads, pa.string())
        self.closings = pa.array(FIX_CLOSINGS + ASK_CLOSINGS, pa.string())
        self.text_channels = [contract.CHANNELS.index(c) for c in TEXT_CHANNELS]

    def draw(self, center: np.ndarray, item: np.ndarray, channel: np.ndarray) -> pa.Array:
        """request_text of n records (their center and item indices, channel codes): null where the channel
        carries none. Every record draws the same four numbers, so the draws do not depend on the channels."""
        rng = self.rng
        n = len(center)
        u_lead, u_spot, u_matter, u_close = rng.random((4, n))
        has = np.isin(channel, self.text_channels)
        fix = self.fix[item]
        spot = np.where(u_spot < WITH_SPOT, 1 + (u_spot / WITH_SPOT * SPOTS).astype(np.int64), 0)
        fix_lead = (u_lead * len(FIX_LEADS)).astype(np.int64) * (SPOTS + 1) + spot
        ask_lead = len(FIX_LEADS) * (SPOTS + 1) + (u_lead * len(ASK_LEADS)).astype(np.int64)
        lead = center * self.per_center + np.where(fix, fix_lead, ask_lead)
        matter = self.matter_offset[item] + (u_matter * self.matter_count[item]).astype(np.int64)
        close = np.where(fix, (u_close * len(FIX_CLOSINGS)).astype(np.int64),
                         len(FIX_CLOSINGS) + (u_close * len(ASK_CLOSINGS)).astype(np.int64))
        parts = [table.take(pa.array(codes, mask=~has))
                 for table, codes in ((self.leads, lead), (self.matters, matter), (self.closings, close))]
        # dictionary-encoded: DuckDB stores a block's repeated texts faster so
        return pc.dictionary_encode(pc.binary_join_element_wise(*parts, ""))


def item_matters(catalog) -> dict[str, list[str]]:
    """事项 code → its matters (object and problem), in the catalog's order."""
    return {code: [obj + prob for obj, probs in MATTERS.get(code, ((name, ASK),)) for prob in probs]
            for code, name in zip(catalog.item_code, catalog.item_name)}


def center_places(centers, regions: dict[str, str]) -> list[str]:
    """Each center's place as residents name it: its village or community (a 代办站 its community's), a town
    center or a 驿站 its town (regions: code → name)."""
    return [regions[code] for code in centers.region_code]
