"""The demo's innovation year, modelled on seed 000 (with seed 002's 认项 and seed 004's 挂图作战).

Harbin's organization department (the demo city, login ``haerbin``) runs "全市组织工作创新年":
43 key innovation projects of the department itself, five of its districts and counties (依兰县
among them, login ``yilan``) and two development zones. The department's 13 projects were
presented at the first roadshow (closed, ranked, commented); the 28 projects of the districts,
counties and zones present at the second, which is live today: some presentations closed, one
open for scoring, the rest waiting. Two projects are open for claims with claims pending, one
was claimed by two units and given to one of them; a few proposals are under review or
returned; most projects run, some await acceptance, some are accepted with a grade, one was
terminated.

Dates are relative to today, so that the battle map shows every schedule health today: each
running project is built towards an intended health (on track, at risk, overdue) and its
milestones' progress is posted as dated progress reports (weekly cadence; late for some), so
the half-year review, which replays the reports up to 30 June, differs from today's figures.
The portfolio's year is the current one from August, the previous one before (the half-year
review day must have passed), and the first roadshow is held on 8 April of it, as in the seed.

Everything goes in through ``projects.services`` (and ``orgs.services`` for the two zones and
the people), as the users' pages would do it, so everything is audited. Scores are drawn from a
fixed seed around each project's quality and each judge's leniency.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from pacesetter.orgs import services as org_services
from pacesetter.orgs.models import Gender, Person, Unit, UnitKind, User
from pacesetter.projects import selectors, services
from pacesetter.projects.models import (
    Cadence,
    Claim,
    Grade,
    Milestone,
    Portfolio,
    PresentationState,
    ProgressUpdate,
    Project,
    Roadshow,
)
from pacesetter.projects.services import JudgeData, MilestoneData, ProjectData

SEED = 2022
CITY = "230100"
CITY_LOGIN = "haerbin"
COUNTY_LOGIN = "yilan"
TITLE_SUFFIX = "年全市组织工作创新年"
CODE_PREFIX = "CX"

DAOLI, NANGANG, SONGBEI, YILAN, WUCHANG = "230102", "230103", "230109", "230123", "230184"
JINGKAI, GAOXIN = "230171", "230172"
#: The seed's "5 个县区、2 个市属开发区", in the second roadshow's running order.
UNITS_IN_ORDER = (DAOLI, YILAN, NANGANG, SONGBEI, WUCHANG, JINGKAI, GAOXIN)
ZONE_GROUP = "开发区"
#: The demo tree (Heilongjiang's official divisions) has no development zones: these two are
#: added under the city, with codes in the style of the statistical division codes (71, 72
#: for zones) and approximate coordinates.
ZONES = (
    (JINGKAI, "哈尔滨经济技术开发区", Decimal("126.695000"), Decimal("45.721000")),
    (GAOXIN, "哈尔滨高新技术产业开发区", Decimal("126.552000"), Decimal("45.823000")),
)

RUBRIC = [{"code": "innovation", "name": "创新性", "max": 30},
          {"code": "effect", "name": "实效性", "max": 30},
          {"code": "replicable", "name": "可复制性", "max": 20},
          {"code": "presentation", "name": "展示效果", "max": 20}]
GROUPS = [("部领导", 0.5), ("处室负责人", 0.3), ("基层代表", 0.2)]
AT_RISK_DAYS = 14

# name, gender, position: the department's leaders and heads of section, then per district,
# county or zone its head of organization (the projects' leader), a deputy, two heads of
# section (the owners).
PEOPLE: dict[str, list[tuple[str, str, str]]] = {
    CITY: [
        ("周振华", "m", "市委常委、组织部部长"),
        ("李明哲", "m", "组织部常务副部长"),
        ("王雪梅", "f", "组织部副部长"),
        ("赵国栋", "m", "组织部副部长、市委两新工委书记"),
        ("孙立群", "m", "组织一科科长"),
        ("刘晓丹", "f", "组织二科科长"),
        ("陈志远", "m", "干部一科科长"),
        ("杨静", "f", "干部二科科长"),
        ("吴海涛", "m", "人才工作科科长"),
        ("郑爽", "f", "干部监督科科长"),
        ("马文博", "m", "党员教育中心主任"),
        ("黄丽娜", "f", "办公室主任"),
        ("高翔", "m", "研究室主任"),
    ],
    DAOLI: [("何建国", "m", "区委常委、组织部部长"), ("林晓燕", "f", "组织部副部长"),
            ("罗涛", "m", "组织科科长"), ("谢婷", "f", "干部科科长")],
    YILAN: [("宋德明", "m", "县委常委、组织部部长"), ("唐丽", "f", "组织部副部长"),
            ("于洪波", "m", "组织股股长"), ("董佳", "f", "干部股股长")],
    NANGANG: [("冯志刚", "m", "区委常委、组织部部长"), ("韩雪", "f", "组织部副部长"),
              ("曹宇", "m", "组织科科长"), ("邓敏", "f", "人才办主任")],
    SONGBEI: [("许文军", "m", "区委常委、组织部部长"), ("彭丽华", "f", "组织部副部长"),
              ("曾凡", "m", "组织科科长"), ("萧楠", "f", "人才办主任")],
    WUCHANG: [("田永胜", "m", "市委常委、组织部部长"), ("潘红", "f", "组织部副部长"),
              ("袁野", "m", "组织股股长"), ("蒋欣", "f", "干部股股长")],
    JINGKAI: [("蔡卫东", "m", "党工委委员、组织人事部部长"), ("魏娜", "f", "组织人事部副部长"),
              ("薛磊", "m", "党建工作科科长"), ("叶青", "f", "人才服务科科长")],
    GAOXIN: [("阎宏", "m", "党工委委员、组织人事部部长"), ("程琳", "f", "组织人事部副部长"),
             ("傅强", "m", "党建工作科科长"), ("沈悦", "f", "人才服务科科长")],
}

# The panel of both roadshows (name, group). At the second, 依兰县's deputy head takes the last
# seat: a judge from a presenting unit, excluded from scoring its projects. The others carry no
# unit: every presenting unit is inside the city, so a judge "of the city" would be excluded
# from everything.
JUDGES = [("周振华", "部领导"), ("李明哲", "部领导"), ("王雪梅", "部领导"),
          ("孙立群", "处室负责人"), ("陈志远", "处室负责人"),
          ("张秀兰（社区党委书记）", "基层代表"), ("刘长江（村党支部书记）", "基层代表")]
COUNTY_JUDGE = ("唐丽（依兰县委组织部副部长）", "基层代表")
QUOTAS = ({"excellent": 3, "good": 5}, {"excellent": 7, "good": 10})
CLOSED_IN_SECOND = 11  # presentations already scored and closed at the live roadshow

# Milestones per category: (title, deliverable); a project takes 3 to 5 of them.
MILESTONES = {
    "基层党建": [("调研摸底、制定方案", "调研报告和实施方案"),
             ("选树试点、先行先试", "试点单位名单"),
             ("总结试点、完善标准", "建设标准和工作指引"),
             ("全面推开、提质扩面", "推进情况通报"),
             ("评估验收、总结提炼", "总结报告和经验材料")],
    "干部队伍": [("制定实施办法", "实施办法"), ("建立人选库", "人选名单库"),
             ("实践锻炼、跟踪考察", "考察材料"), ("分析研判、结果运用", "研判报告"),
             ("总结评估", "评估报告和制度成果")],
    "人才工作": [("梳理需求清单", "人才需求清单"), ("出台配套政策", "配套政策文件"),
             ("搭建平台载体", "平台运行方案"), ("集中对接引进", "签约项目和引进名单"),
             ("成效评估", "评估报告")],
    "组织自身建设": [("制定工作计划", "工作计划"), ("集中学习培训", "培训记录"),
               ("建立制度机制", "制度汇编"), ("运行检验", "运行情况报告"),
               ("总结提升", "总结报告")],
}
PICK = {3: (0, 2, 4), 4: (0, 1, 3, 4), 5: (0, 1, 2, 3, 4)}

DETAILS = ["召开专题推进会1次", "赴试点单位实地调研3次", "印发工作提示1份",
           "组织培训班1期，培训党员干部120人次", "召开座谈会听取基层意见", "梳理形成问题清单12条",
           "与相关部门会商推进事项", "完成阶段性数据统计分析", "编发工作简报1期"]
PRAISE = ["选题精准，紧扣中心大局，实施效果明显，要注意总结提炼，争取在全省推广。",
          "亮点鲜明、辨识度高，有望打造成在全省具有影响力的“党建金名片”。",
          "思路新颖，数据翔实，建议进一步细化量化指标，形成可复制的制度成果。"]
ADVICE = ["项目基础扎实，建议加强与相关部门协同，避免党建和业务“两张皮”。",
          "展示清晰，下一步要在群众满意度上多下功夫，让群众觉得解渴。",
          "建议聚焦一两个关键环节深挖细作，提升项目的含金量。"]
CRITIQUE = ["推进节奏偏慢，要倒排工期、压实责任，确保按节点完成。",
            "要把功夫用在刀刃上，防止为新而新、为变而变。",
            "目标还不够聚焦，建议对照“创新竞进”要求再梳理，明确可检验的成果。"]


@dataclass(frozen=True)
class Entry:
    """One project of the catalogue: where it belongs, what it is, and where the demo takes it:
    ``fate`` its lifecycle (running, awaiting, accepted, terminated, listed, claimed, submitted,
    returned), ``health`` the schedule it is built towards (on_track, at_risk, overdue, done,
    future), ``late`` a last report older than the cadence."""

    unit: str
    title: str
    category: str
    tags: tuple[str, ...]
    goal: str
    measures: tuple[str, ...]
    fate: str = "running"
    health: str = "on_track"
    late: bool = False
    flagship: bool = False
    grade: str = ""
    leader: int = 0
    owner: int = 2
    budget: int | None = None
    co_units: tuple[str, ...] = ()


def _e(unit: str, title: str, category: str, tags: str, goal: str, measures: str,
       **kwargs: Any) -> Entry:
    return Entry(unit, title, category, tuple(tags.split()), goal, tuple(measures.split("|")),
                 **kwargs)


CATALOG: tuple[Entry, ...] = (
    # -- the department's own projects, presented at the first roadshow
    _e(CITY, "城乡党群服务中心功能体系建设提升行动", "基层党建", "党群服务中心 便民服务",
       "构建布局合理、功能完备、开放共享的城乡党群服务中心矩阵，"
       "让群众认得出、找得到、进得去。",
       "制定党群服务中心建设运行标准|新建改建网格党群服务驿站100处|"
       "推行“就诊、拿药、报销”一站式服务",
       fate="accepted", health="done", grade=Grade.EXCELLENT, flagship=True, leader=2,
       owner=4, budget=320),
    _e(CITY, "党建引领网格化治理“五个一”工程", "基层党建", "网格化治理 党建引领",
       "推动党组织覆盖延伸到网格，实现“一网格一支部（党小组）”，小事不出网格。",
       "优化网格设置，选优配强网格党组织书记|推行网格员“五个一”工作法|"
       "开展在职党员进网格报到服务",
       leader=2, owner=5, co_units=(DAOLI, NANGANG)),
    _e(CITY, "产业链党建“红色引擎”工程", "基层党建", "两新党建 产业链",
       "以“链”上党建引领重点产业链发展，组建产业链党建联盟10个。",
       "梳理重点产业链和链上企业党组织|组建产业链党建联盟|开展“链主”企业党建结对共建",
       health="at_risk", leader=3, owner=5),
    _e(CITY, "新就业群体党建“行业+属地”条块管理", "基层党建", "新就业群体 两新党建",
       "把快递员、外卖送餐员、网约车司机等新就业群体凝聚起来，参与城市基层治理。",
       "建立行业主管部门和属地街道双重管理机制|选派两新组织专职党务工作者和“红领书记”|"
       "建设“暖新驿站”50处",
       health="overdue", late=True, leader=3, owner=4),
    _e(CITY, "市域党建图书馆体系建设", "基层党建", "党员教育 阵地建设",
       "建成市、县、乡、村四级联通的党建图书馆体系，推动党员教育资源共享。",
       "建设市级党建图书馆总馆|在县（市）区、乡镇（街道）设立分馆|开展“党员读书月”活动",
       fate="accepted", health="done", grade=Grade.PASS, leader=2, owner=10, budget=85),
    _e(CITY, "干部向一线倾斜机制", "干部队伍", "干部选拔 一线识别",
       "组织优秀干部向项目建设、改革攻坚、信访稳定等重点工作和急难险重任务集聚。",
       "制定干部一线识别考察办法|建立重点工作干部储备库|对表现突出的干部优先使用",
       leader=1, owner=6),
    _e(CITY, "年轻干部“墩苗育苗”计划", "干部队伍", "年轻干部 实践锻炼",
       "每年选派100名优秀年轻干部到基层一线和吃劲岗位墩苗历练。",
       "建立优秀年轻干部人选库|分批选派到乡镇（街道）和重点项目一线|建立跟踪培养档案",
       leader=1, owner=7),
    _e(CITY, "干部担当作为实绩档案", "干部队伍", "实绩清单 干部考核",
       "为处级领导干部建立实绩档案，实绩清单和负面表现清单“两单”并用。",
       "制定实绩档案管理办法|开展实绩清单季度纪实|将实绩档案运用于年度考核和选拔任用",
       health="at_risk", leader=1, owner=9),
    _e(CITY, "领导班子运行评估“体检”机制", "干部队伍", "班子建设",
       "对市直单位领导班子运行情况开展年度“体检”，及时发现和调整不适宜问题。",
       "制定班子运行评估指标|开展试点评估|形成班子调整优化建议",
       fate="terminated", health="overdue", leader=1, owner=6),
    _e(CITY, "“才聚冰城”人才集聚行动", "人才工作", "人才引进 人才政策",
       "全年引进各类紧缺急需人才5000人，完善“1+N”人才政策体系。",
       "修订完善人才政策体系|组织“冰城人才周”系列活动|建设人才服务“一站式”平台",
       late=True, leader=2, owner=8, budget=500, co_units=(SONGBEI, GAOXIN)),
    _e(CITY, "寒地黑土农业科技人才“揭榜挂帅”", "人才工作", "揭榜挂帅 乡村人才",
       "围绕黑土地保护和寒地农业关键技术发布榜单，精准引进领军人才团队。",
       "征集发布技术攻关榜单|组织揭榜对接和评审|为揭榜团队配套项目和经费支持",
       leader=2, owner=8, budget=200),
    _e(CITY, "组工干部“党内法规学习年”", "组织自身建设", "自身建设 理论学习",
       "以“党内法规学习年”为抓手，提高组工干部理论素养和专业能力。",
       "制定学习计划和必读书目|开展“周学月考”|举办党内法规知识竞赛",
       fate="accepted", health="done", grade=Grade.GOOD, leader=1, owner=11),
    _e(CITY, "组织工作督查数字标准化体系", "组织自身建设", "督查 数字化",
       "探索组织工作督查数字标准化，构筑高效快捷的绩效管理办法。",
       "梳理督查事项标准|开发督查数字化台账|开展督查结果量化运用",
       fate="awaiting", health="done", leader=1, owner=12),
    # -- published for claims (认项)
    _e(CITY, "党建引领物业服务“红色物业”全覆盖", "基层党建", "红色物业 社区治理",
       "推动住宅小区党组织和物业服务企业党的工作全覆盖，物业服务满意度明显提升。",
       "建立社区党组织领导下的物业议事协调机制|推动物业企业党组织应建尽建|"
       "开展“红色物业”星级评定",
       fate="listed", health="future", leader=3),
    _e(CITY, "乡村振兴“头雁”领航工程", "基层党建", "乡村振兴 村党组织书记",
       "培养一支懂农业、爱农村、爱农民的村党组织书记队伍，带动村集体经济增收。",
       "开展村党组织书记全员轮训|选树“头雁”示范村|建立村党组织书记激励保障机制",
       fate="listed", health="future", leader=2),
    # -- the districts', counties' and zones' projects, presented at the second roadshow
    _e(DAOLI, "中央大街商圈党建联盟", "基层党建", "商圈党建 两新党建",
       "以中央大街商圈为试点，组建商圈党建联盟，推动商户、楼宇、市场党建共建共享。",
       "组建商圈党建联盟理事会|建设商圈党群服务中心|开展“商圈红管家”服务",
       fate="accepted", health="done", grade=Grade.GOOD, flagship=True, leader=0),
    _e(DAOLI, "社区工作者职业体系建设", "基层党建", "社区工作者",
       "建立社区工作者岗位等级序列和薪酬体系，稳定社区工作者队伍。",
       "制定岗位等级序列|落实薪酬待遇动态调整|开展社区工作者分级培训",
       leader=1, owner=3),
    _e(DAOLI, "老旧小区“红色管家”服务", "基层党建", "红色物业 老旧小区",
       "在无物业老旧小区推行党组织领导下的“红色管家”服务，解决群众急难愁盼问题。",
       "摸清无物业小区底数|组建“红色管家”服务队|建立居民议事协商机制",
       health="overdue", leader=1),
    _e(DAOLI, "街道干部“赛马”比拼机制", "干部队伍", "干部考核 赛马比拼",
       "在街道干部中开展“晒业绩、比实绩”赛马比拼，结果与评先选优挂钩。",
       "制定赛马比拼指标|按月晒业绩、按季比实绩|比拼结果运用于干部选拔",
       leader=0, owner=3),
    _e(YILAN, "村党组织书记后备力量“递进培养”工程", "基层党建", "村党组织书记 后备力量",
       "每村储备2名以上村党组织书记后备人选，实行“选育管用”递进培养。",
       "建立后备人选库|实行“导师帮带”和岗位历练|开展后备人选年度考评",
       fate="claimed", health="future", leader=2),
    _e(YILAN, "党建引领庭院经济“一村一品”", "基层党建", "乡村振兴 庭院经济",
       "以村党组织为引领发展庭院经济，培育“一村一品”特色产业，带动农户增收。",
       "党员示范户带头发展|组建庭院经济合作社|对接电商平台拓宽销路",
       health="overdue", leader=0),
    _e(YILAN, "农村党员“积分制”管理", "基层党建", "党员管理 积分制",
       "对农村党员实行积分制管理，积分结果与评先评优挂钩。",
       "制定积分细则|按月记分、按季公示|年底评定星级党员",
       health="at_risk", leader=1),
    _e(YILAN, "县乡干部“周末夜校”能力提升", "干部队伍", "干部培训",
       "利用周末和夜间开设干部能力提升课堂，全年培训县乡干部2000人次。",
       "制定年度课程表|组建本土师资库|开展学习成效测评",
       fate="awaiting", health="done", leader=1, owner=3),
    _e(NANGANG, "高校院所“校地党建联盟”", "人才工作", "校地合作 人才",
       "与驻区高校院所组建党建联盟，推动科技成果就地转化和人才留哈。",
       "签订校地党建共建协议|建设大学生实习实践基地|举办科技成果对接会",
       leader=0, owner=3),
    _e(NANGANG, "楼宇党建“红色驿站”", "基层党建", "楼宇党建",
       "在商务楼宇建设“红色驿站”，实现楼宇党的组织和工作全覆盖。",
       "摸排楼宇企业和党员底数|建设楼宇“红色驿站”|开展楼宇党建服务月活动",
       late=True, leader=1),
    _e(NANGANG, "年轻干部“一线墩苗”实训基地", "干部队伍", "年轻干部",
       "依托重点项目和社区一线建设年轻干部实训基地，在实战中磨砺干部。",
       "确定实训基地|分批选派年轻干部实训|开展实训考核评估",
       health="at_risk", leader=0),
    _e(NANGANG, "社区“大党委”共驻共建", "基层党建", "共驻共建 社区治理",
       "吸纳驻区单位党组织负责人进入社区“大党委”，实现资源共享、事务共商。",
       "健全社区“大党委”运行机制|建立需求、资源、项目“三张清单”|开展共驻共建项目认领",
       leader=1),
    _e(SONGBEI, "新区人才“一站式”服务港", "人才工作", "人才服务",
       "建设人才“一站式”服务港，实现人才服务事项“一窗受理、一次办结”。",
       "梳理人才服务事项清单|建设服务港线上平台|推行人才服务专员制度",
       leader=0, owner=3),
    _e(SONGBEI, "科创企业党建“双强六好”", "基层党建", "两新党建 科创企业",
       "推动科创企业党组织和党员队伍建设双强，党建工作与企业发展同频共振。",
       "开展科创企业党建情况摸排|选派党建指导员|评选“双强六好”示范企业",
       health="overdue", late=True, leader=1),
    _e(SONGBEI, "征拆一线干部考察识别", "干部队伍", "一线识别",
       "在征收拆迁一线考察识别干部，树立重实干重实绩的用人导向。",
       "制定一线考察识别办法|建立干部一线表现纪实|考察结果运用于选拔任用",
       leader=0),
    _e(SONGBEI, "村改居社区“党建+网格”治理", "基层党建", "村改居 网格化治理",
       "破解村改居社区治理难题，建立党组织领导的网格化治理体系。",
       "划分网格、配强网格员|建立村改居社区议事规则|开展矛盾纠纷网格化排查",
       fate="submitted", health="future", leader=1),
    _e(WUCHANG, "五常大米产业链党建", "基层党建", "产业链 乡村振兴",
       "沿五常大米产业链建立党组织，带动种植、加工、销售全链条提质增效。",
       "组建大米产业链党委|推行“党组织+合作社+农户”模式|打造稻米品牌营销党员服务队",
       flagship=True, leader=0, budget=150),
    _e(WUCHANG, "乡土人才“田秀才”评定", "人才工作", "乡土人才",
       "评定一批“田秀才”“土专家”，发挥乡土人才带富作用。",
       "制定乡土人才评定办法|组织评定和颁证|给予项目和资金扶持",
       health="at_risk", leader=1, owner=3),
    _e(WUCHANG, "驻村第一书记“比学赶超”", "干部队伍", "驻村第一书记",
       "在驻村第一书记中开展“比学赶超”活动，推动帮扶工作见实效。",
       "制定比学赶超评价办法|开展季度现场观摩|评选优秀驻村第一书记",
       leader=0, owner=3),
    _e(WUCHANG, "党员教育“田间课堂”", "基层党建", "党员教育",
       "把党员教育课堂搬到田间地头，提高农村党员教育的针对性实效性。",
       "组建“田间课堂”讲师团|编写农时教学课程|建设田间课堂教学点",
       fate="returned", health="future", leader=1),
    _e(JINGKAI, "园区“党建+招商”双推进", "基层党建", "园区党建 招商引资",
       "把党建工作融入招商引资全过程，以党建优势转化为营商环境优势。",
       "组建招商党员突击队|建立重点项目党建联络员制度|开展“党建+招商”项目推介",
       leader=0),
    _e(JINGKAI, "企业人才“双聘”计划", "人才工作", "人才引进 校企合作",
       "推动高校院所专家与园区企业“双聘”，解决企业技术难题。",
       "征集企业技术需求|组织专家与企业双向选择|建立双聘人才考核激励机制",
       health="overdue", leader=1, owner=3),
    _e(JINGKAI, "非公企业党组织书记“头雁”培训", "基层党建", "两新党建 书记培训",
       "对园区非公企业党组织书记开展全员轮训，提升党建工作能力。",
       "制定轮训计划|分期举办培训班|开展培训成效评估",
       fate="awaiting", health="done", leader=1),
    _e(JINGKAI, "开发区干部“全员竞聘”改革", "干部队伍", "干部人事制度改革",
       "推行开发区干部全员竞聘上岗，打破身份界限，激发干部干事创业活力。",
       "制定竞聘上岗实施方案|组织全员竞聘|建立末位调整和退出机制",
       leader=0, owner=3),
    _e(GAOXIN, "科技人才“揭榜挂帅”", "人才工作", "揭榜挂帅 科技人才",
       "面向全国发布高新区企业技术榜单，以“揭榜挂帅”引进高层次科技人才团队。",
       "征集发布技术榜单|组织揭榜评审|落实揭榜团队支持政策",
       leader=0, owner=3, budget=300),
    _e(GAOXIN, "孵化器“红色孵化”党建", "基层党建", "孵化器 两新党建",
       "在科技企业孵化器建立党组织，实现“企业孵化到哪里，党建就跟进到哪里”。",
       "摸排孵化器在孵企业党员|建立孵化器联合党组织|开展“红色孵化”服务",
       late=True, leader=1),
    _e(GAOXIN, "创新团队党员先锋岗", "基层党建", "党员先锋岗",
       "在企业研发创新团队中设立党员先锋岗，发挥党员在技术攻关中的先锋作用。",
       "制定党员先锋岗设岗定责办法|开展党员攻关项目认领|评选优秀党员先锋岗",
       leader=1),
    _e(GAOXIN, "机关作风“效能提速”", "组织自身建设", "作风建设",
       "以“效能提速”行动改进机关作风，提高服务企业效率。",
       "梳理服务事项办理时限|推行“马上办、网上办、一次办”|开展作风效能明察暗访",
       fate="submitted", health="future", leader=0),
)

# The claims (认项): on the two listed projects, pending; on the claimed one, two units applied
# and 依兰县 was chosen.
CLAIMS = {
    "党建引领物业服务“红色物业”全覆盖": [(NANGANG, "applied"), (SONGBEI, "applied")],
    "乡村振兴“头雁”领航工程": [(YILAN, "applied"), (WUCHANG, "applied")],
    "村党组织书记后备力量“递进培养”工程": [(YILAN, "approved"), (WUCHANG, "declined")],
}
CLAIM_PLANS = {
    NANGANG: "依托社区“大党委”机制，在全区住宅小区推开“红色物业”，年内实现党的工作全覆盖。",
    SONGBEI: "结合村改居社区实际，先在10个小区试点，再分批推开。",
    YILAN: "县委组织部牵头，各乡镇党委具体实施，县财政安排专项经费保障。",
    WUCHANG: "结合驻村第一书记工作，选择产业基础较好的村先行先试。",
}
RETURN_NOTE = "推进措施不够具体，请细化节点目标和完成时限后重新报送。"
DECLINE_NOTE = "经双向选择，该项目由依兰县承担；欢迎五常市参与经验交流。"
TERMINATE_NOTE = "根据上级统一部署，领导班子运行评估纳入年度考核一并开展，本项目终止。"
FOLLOW_UP_REPLY = ("已召开专题推进会，明确3个试点村和责任人，“{milestone}”节点预计两周内完成，"
                   "完成后及时报送。")


@dataclass(frozen=True)
class Timeline:
    """The demo's calendar, relative to today: the portfolio's year (the half-year review day,
    30 June, has passed), the first roadshow (8 April, as in the seed), today."""

    today: datetime.date
    year: int
    launch: datetime.date

    @classmethod
    def of(cls, today: datetime.date) -> Timeline:
        year = today.year if today.month >= 8 else today.year - 1
        return cls(today=today, year=year, launch=datetime.date(year, 4, 8))


@dataclass
class Schedule:
    """A project's dates and the progress reports that bring its milestones where the entry
    wants them: (day, {milestone index: percent}, text)."""

    starts_on: datetime.date
    deadline: datetime.date
    dues: list[datetime.date]
    reports: list[tuple[datetime.date, dict[int, int], str]]
    current: int | None = None


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=int(n))


def _spread(first: datetime.date, last: datetime.date, count: int) -> list[datetime.date]:
    """``count`` dates from ``first`` to ``last`` evenly (the midpoint for one)."""
    if count == 1:
        return [first + (last - first) / 2]
    step = (last - first) / (count - 1)
    return [first + step * i for i in range(count)]


def _schedule(entry: Entry, titles: list[str], t: Timeline, rng: np.random.Generator
              ) -> Schedule:
    """Dates and reports for the entry's intended health, today:

    - done: every milestone due in the past and completed by a report near its due date;
    - on track / at risk / overdue: the milestones before the current one done, the current
      one due in 20–50 days with progress, in 3–12 days without any (at risk), or 5–25 days
      ago unfinished (overdue), the last one at the deadline; reported weekly over the last
      three weeks, or last 12–30 days ago when the entry is late;
    - future (not yet running): every milestone well ahead.
    """
    today, n = t.today, len(titles)
    if entry.health == "future":
        start = today - _days(3) if entry.fate == "claimed" else today + _days(
            rng.integers(10, 26))
        deadline = today + _days(rng.integers(150, 241))
        return Schedule(start, deadline, _spread(start + _days(30), deadline, n), [])
    start = t.launch + _days(rng.integers(-5, 21))
    late_day = today - _days(rng.integers(12, 31)) if entry.late else None
    horizon = (late_day or today - _days(7)) - _days(3)
    if entry.health == "done":
        end = today - _days(rng.integers(8, 41))
        dues = _spread(start + _days(30), end, n)
        schedule = Schedule(start, end + _days(rng.integers(0, 31)), dues, [])
        done = list(range(n))
    else:
        current_due = today + _days(
            rng.integers(20, 51) if entry.health == "on_track" else
            rng.integers(3, 13) if entry.health == "at_risk" else -rng.integers(5, 26))
        past_end = min(horizon, current_due - _days(10)) - _days(rng.integers(0, 21))
        deadline = today + _days(rng.integers(60, 181))
        dues = [*_spread(start + _days(30), past_end, n - 2), current_due, deadline]
        schedule = Schedule(start, deadline, dues, [], current=n - 2)
        done = list(range(n - 2))
    percent = [0] * n
    last = start
    for i in done:
        day = max(dues[i] - _days(rng.integers(0, 6)), last + _days(1))
        change = {i: 100}
        following = i + 1
        if following < n and not (following == schedule.current
                                  and entry.health == "at_risk"):
            change[following] = int(rng.integers(10, 36))
        text = f"“{titles[i]}”节点完成，{_detail(rng)}。"
        if following < n:
            text += f"下一步推进“{titles[following]}”。"
        schedule.reports.append((day, change, text))
        percent = [max(p, change.get(k, 0)) for k, p in enumerate(percent)]
        last = day
    if schedule.current is not None:
        _recent_reports(schedule, entry, titles, percent, last, late_day, today, rng)
    return schedule


def _recent_reports(schedule: Schedule, entry: Entry, titles: list[str], percent: list[int],
                    last: datetime.date, late_day: datetime.date | None,
                    today: datetime.date, rng: np.random.Generator) -> None:
    """The weekly reports of the last three weeks (or one, 12–30 days ago, when late),
    raising the current milestone towards its intended percent (0 when at risk)."""
    current = schedule.current
    if current is None:
        return
    target = {"on_track": int(rng.integers(30, 71)), "overdue": int(rng.integers(40, 86)),
              "at_risk": 0}[entry.health]
    target = max(target, percent[current])
    if late_day is not None:
        days = [late_day]
    else:
        shift = int(rng.integers(0, 5))
        days = [today - _days(14 + shift), today - _days(7 + shift), today - _days(shift)]
    days = [d for d in days if d > last]
    for k, day in enumerate(days, start=1):
        value = percent[current] + round((target - percent[current]) * k / len(days))
        title = titles[current]
        if value > percent[current]:
            text = f"推进“{title}”：{_detail(rng)}，节点完成{value}%。"
            change = {current: value}
        else:
            text = f"“{title}”节点前期准备中，尚未启动实施，{_detail(rng)}。"
            change = {}
        schedule.reports.append((day, change, text))


def _detail(rng: np.random.Generator) -> str:
    return DETAILS[int(rng.integers(0, len(DETAILS)))]


def _at(day: datetime.date, rng: np.random.Generator) -> datetime.datetime:
    """A moment of a working afternoon of ``day``; today, one that has already passed."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(15, 0))
                                 + datetime.timedelta(minutes=int(rng.integers(0, 180))))
    now = timezone.now()
    return moment if moment < now else now - datetime.timedelta(
        minutes=int(rng.integers(5, 60)))


# ---------------------------------------------------------------------------------------------
# the load


@dataclass
class Cast:
    """The actors and the people of the demo."""

    city_admin: User
    county_admin: User
    units: dict[str, Unit]
    people: dict[str, list[Person]]

    def actor_for(self, code: str) -> User:
        """依兰县's own login acts for 依兰县; the city's acts for the other units."""
        return self.county_admin if code == YILAN else self.city_admin


def _zones(actor: User, city: Unit) -> int:
    """The two development zones under the city, through ``orgs.services.unit_create``;
    returns how many were added."""
    existing = set(Unit.objects.filter(code__in=[z[0] for z in ZONES]).values_list("code",
                                                                                  flat=True))
    for position, (code, name, longitude, latitude) in enumerate(ZONES, start=1):
        if code not in existing:
            org_services.unit_create(actor=actor, code=code, name=name,
                                     kind=UnitKind.PARTY_COMMITTEE, parent=city,
                                     sort_order=100 + position, longitude=longitude,
                                     latitude=latitude, peer_group_names=[ZONE_GROUP])
    return len(ZONES) - len(existing)


def _people(cast: Cast) -> int:
    """The leaders and owners of each unit (created once, found by name afterwards)."""
    created = 0
    for code, rows in PEOPLE.items():
        unit = cast.units[code]
        found = {p.name: p for p in Person.objects.filter(unit=unit, name__in=[r[0]
                                                                           for r in rows])}
        people = []
        for name, gender, position in rows:
            person = found.get(name)
            if person is None:
                person = org_services.person_create(
                    actor=cast.actor_for(code), unit=unit, name=name, position=position,
                    gender=Gender.MALE if gender == "m" else Gender.FEMALE)
                created += 1
            people.append(person)
        cast.people[code] = people
    return created


def _milestones(entry: Entry, n: int) -> list[tuple[str, str]]:
    template = MILESTONES[entry.category]
    return [template[i] for i in PICK[n]]


def _project(cast: Cast, portfolio: Portfolio, entry: Entry, number: int, t: Timeline,
             rng: np.random.Generator) -> Project:
    """Create the project as its unit or the department would, and take it to its fate."""
    n = int(rng.integers(3, 6))
    plan = _milestones(entry, n)
    schedule = _schedule(entry, [title for title, _ in plan], t, rng)
    city = cast.city_admin
    claimable = entry.fate in ("listed", "claimed")  # the department's list, no lead yet
    people = cast.people[CITY if claimable else entry.unit]
    data = ProjectData(
        title=entry.title, code=f"{CODE_PREFIX}-{number:02d}", category=entry.category,
        lead_unit=None if claimable else cast.units[entry.unit],
        co_units=[cast.units[c] for c in entry.co_units], leader=people[entry.leader],
        owner=None if claimable else people[entry.owner],
        goal=entry.goal, budget=Decimal(entry.budget) if entry.budget else None,
        measures="\n".join(f"{k}. {m}" for k, m in enumerate(entry.measures, start=1)),
        starts_on=schedule.starts_on, deadline=schedule.deadline, tags=entry.tags)
    milestones = [MilestoneData(title=title, due_on=due, deliverable=deliverable)
                  for (title, deliverable), due in zip(plan, schedule.dues, strict=True)]
    by_unit = entry.unit != CITY and not claimable
    actor = cast.actor_for(entry.unit)
    project = services.project_create(
        actor=actor if by_unit else city, portfolio=portfolio, data=data,
        milestones=milestones, proposed_by=cast.units[entry.unit] if by_unit else None)
    if claimable:
        project = services.project_step(actor=city, project=project, step="list")
        _claims(cast, project, entry, data)
        return project
    project = services.project_step(actor=actor, project=project, step="submit")
    if entry.fate == "submitted":
        return project
    if entry.fate == "returned":
        return services.project_step(actor=city, project=project, step="return",
                                     note=RETURN_NOTE)
    project = services.project_step(actor=city, project=project, step="approve")
    _report(actor, project, schedule, rng)
    if entry.fate == "terminated":
        return project  # after the first roadshow, where it still presented (``_terminate``)
    if entry.fate in ("awaiting", "accepted"):
        project = services.project_step(actor=actor, project=project,
                                        step="request_acceptance")
    if entry.fate == "accepted":
        project = services.project_step(actor=city, project=project, step="accept",
                                        grade=entry.grade)
    return project


def _claims(cast: Cast, project: Project, entry: Entry, data: ProjectData) -> None:
    """Units apply with their plans (认项); on the claimed project the department chooses
    依兰县 and declines the other (two-way selection), and 依兰县 names its owner."""
    claims = [(services.claim_apply(actor=cast.actor_for(code), project=project,
                                    unit=cast.units[code], plan=CLAIM_PLANS[code]), outcome)
              for code, outcome in CLAIMS.get(entry.title, [])]
    for claim, outcome in claims:
        if outcome != "applied":
            services.claim_decide(actor=cast.city_admin, claim=claim,
                                  approve=outcome == "approved",
                                  note="" if outcome == "approved" else DECLINE_NOTE)
    if entry.fate == "claimed":
        county = cast.people[YILAN]
        data.leader, data.owner = county[0], county[2]
        services.project_update(actor=cast.county_admin, project=project, data=data)


def _report(actor: User, project: Project, schedule: Schedule,
            rng: np.random.Generator) -> None:
    ids = list(Milestone.objects.filter(project=project).order_by("position")
               .values_list("pk", flat=True))
    for day, change, text in sorted(schedule.reports, key=lambda r: r[0]):
        services.progress_report(actor=actor, project=project, text=text,
                                 percents={ids[i]: p for i, p in change.items()},
                                 reported_at=_at(day, rng))


def _follow_ups(cast: Cast, projects: dict[str, Project]) -> int:
    """督办 on three overdue projects; 依兰县 answers its own."""
    raised = 0
    for entry in CATALOG:
        if entry.health != "overdue" or entry.fate != "running" or not (
                entry.late or entry.unit == YILAN):
            continue
        project = projects[entry.title]
        overdue = next(row.milestone for row in selectors.project_overview(
            actor=cast.city_admin, project=project).milestones if row.state == "overdue")
        reason = (f"“{overdue.title}”节点已逾期，请于3个工作日内报送推进情况和整改措施。"
                  + ("进展报告已超期未报，请按周报送。" if entry.late else ""))
        follow_up = services.follow_up_raise(actor=cast.city_admin, project=project,
                                             reason=reason, milestone=overdue)
        raised += 1
        if entry.unit == YILAN:
            services.follow_up_reply(actor=cast.county_admin, follow_up=follow_up,
                                     reply=FOLLOW_UP_REPLY.format(milestone=overdue.title))
    return raised


def _points(rng: np.random.Generator, target: float) -> dict[str, float]:
    """Points per criterion around ``target`` (of 100), in half points, within each maximum."""
    maxima = np.array([c["max"] for c in RUBRIC], dtype=float)
    raw = maxima * target / 100 * (1 + rng.normal(0, 0.04, maxima.size))
    values = np.clip(np.round(raw * 2) / 2, 0, maxima)
    return {c["code"]: float(v) for c, v in zip(RUBRIC, values, strict=True)}


def _grades(totals: dict[int, float], quotas: dict[str, int]) -> dict[int, str]:
    """A judge's grades: the best ``quotas['excellent']`` 优秀, the next ``quotas['good']``
    良好, the rest 合格, so that the roadshow's quotas hold whatever is scored first."""
    ranked = sorted(totals, key=lambda key: -totals[key])
    top, good = quotas["excellent"], quotas["excellent"] + quotas["good"]
    return {key: Grade.EXCELLENT if k < top else Grade.GOOD if k < good else Grade.PASS
            for k, key in enumerate(ranked)}


def _comment(rng: np.random.Generator, quality: float) -> str:
    pool = PRAISE if quality > 0.6 else CRITIQUE if quality < -0.6 else ADVICE
    first, second = (JUDGES[int(i)][0] for i in rng.choice(3, 2, replace=False))
    return (f"{first}：{pool[int(rng.integers(0, len(pool)))]}\n"
            f"{second}：{ADVICE[int(rng.integers(0, len(ADVICE)))]}")


def _roadshow(cast: Cast, portfolio: Portfolio, *, title: str, held_on: datetime.date,
              venue: str, projects: Sequence[Project], quality: dict[int, float],
              quotas: dict[str, int], with_county_judge: bool, closed: int, open_one: bool,
              rng: np.random.Generator) -> tuple[Roadshow, int]:
    """Set up a roadshow, run its first ``closed`` presentations (every judge scores, then
    the chair closes with the comments), open the next one with part of the panel scored
    when ``open_one``; returns the roadshow and the number of scores."""
    city = cast.city_admin
    roadshow = services.roadshow_create(
        actor=city, owner=cast.units[CITY], portfolio=portfolio, title=title, held_on=held_on,
        venue=venue, criteria=RUBRIC, groups=GROUPS, grade_quotas=quotas)
    panel = [JudgeData(name=name, group=group) for name, group in JUDGES]
    if with_county_judge:
        panel[-1] = JudgeData(name=COUNTY_JUDGE[0], group=COUNTY_JUDGE[1],
                              unit=cast.units[YILAN])
    judges = services.judges_add(actor=city, roadshow=roadshow, judges=panel)
    presentations = services.presentations_set(actor=city, roadshow=roadshow,
                                               projects=projects)
    leniency = rng.normal(0, 1.5, len(judges))
    conflicted = {(line.presentation.pk, judge.pk) for judge in judges
                  for line in selectors.judge_sheet(judge) if line.conflicted}
    sheets: dict[int, dict[int, dict[str, float]]] = {j.pk: {} for j in judges}
    for p in presentations:
        for judge, lenient in zip(judges, leniency, strict=True):
            if (p.pk, judge.pk) not in conflicted:
                target = 80 + 5 * quality[p.project_id] + lenient + rng.normal(0, 2.5)
                sheets[judge.pk][p.pk] = _points(rng, float(np.clip(target, 55, 98)))
    grades = {j: _grades({p: sum(points.values()) for p, points in sheet.items()}, quotas)
              for j, sheet in sheets.items()}
    scored = 0
    for index, presentation in enumerate(presentations[:closed + (1 if open_one else 0)]):
        services.presentation_move(actor=city, presentation=presentation,
                                   state=PresentationState.OPEN)
        still_open = index == closed
        for n, judge in enumerate(judges):
            if still_open and n % 2:
                continue  # half of the panel has not scored the open presentation yet
            points = sheets[judge.pk].get(presentation.pk)
            if points is not None:
                services.score_submit(judge=judge, presentation_id=presentation.pk,
                                      points=points, grade=grades[judge.pk][presentation.pk])
                scored += 1
        if not still_open:
            services.presentation_move(
                actor=city, presentation=presentation, state=PresentationState.CLOSED,
                comment=_comment(rng, quality[presentation.project_id]))
    return roadshow, scored


def _is_loaded(city: Unit) -> bool:
    return Portfolio.objects.filter(owner=city, title__endswith=TITLE_SUFFIX).exists()


@transaction.atomic
def load() -> dict[str, int]:
    """Load the innovation year once; running it again adds nothing (all zeros)."""
    counts = dict.fromkeys(("units", "people", "projects", "milestones", "claims", "updates",
                            "follow_ups", "roadshows", "scores"), 0)
    city = Unit.objects.get(code=CITY)
    if _is_loaded(city):
        return counts
    t = Timeline.of(timezone.localdate())
    rng = np.random.default_rng(SEED)
    cast = Cast(city_admin=User.objects.get(username=CITY_LOGIN),
                county_admin=User.objects.get(username=COUNTY_LOGIN), units={}, people={})
    counts["units"] = _zones(cast.city_admin, city)
    cast.units = {u.code: u for u in Unit.objects.filter(code__in=[CITY, *UNITS_IN_ORDER])}
    counts["people"] = _people(cast)
    portfolio = services.portfolio_create(
        actor=cast.city_admin, owner=city, title=f"{t.year}{TITLE_SUFFIX}", year=t.year,
        cadence=Cadence.WEEKLY, at_risk_days=AT_RISK_DAYS,
        description="以“创新竞进”为主题，聚焦基层党建、干部队伍、人才工作和组织自身建设，"
                    "确定43项重点创新项目，挂图作战、每周报进展，半年展示、年终评估。")
    projects: dict[str, Project] = {}
    quality: dict[int, float] = {}
    for number, entry in enumerate(CATALOG, start=1):
        project = _project(cast, portfolio, entry, number, t, rng)
        projects[entry.title] = project
        quality[project.pk] = float(rng.normal(0, 1)) + (1.2 if entry.flagship else 0.0) - (
            0.6 if entry.health == "overdue" or entry.late else 0.0)
    counts["follow_ups"] = _follow_ups(cast, projects)
    first = [projects[e.title] for e in CATALOG if e.unit == CITY and e.fate != "listed"]
    second = [projects[e.title] for code in UNITS_IN_ORDER for e in CATALOG if e.unit == code]
    opening, counts["scores"] = _roadshow(
        cast, portfolio, title="创新项目路演（第一场）", held_on=t.launch,
        venue="市委组织部三楼会议室", projects=first, quality=quality, quotas=QUOTAS[0],
        with_county_judge=False, closed=len(first), open_one=False, rng=rng)
    services.roadshow_close(actor=cast.city_admin, roadshow=opening)
    for entry in CATALOG:
        if entry.fate == "terminated":
            services.project_step(actor=cast.city_admin, project=projects[entry.title],
                                  step="terminate", note=TERMINATE_NOTE)
    _live, scored = _roadshow(cast, portfolio, title="创新项目路演（第二场）", held_on=t.today,
                              venue="市委党校报告厅", projects=second, quality=quality,
                              quotas=QUOTAS[1], with_county_judge=True,
                              closed=CLOSED_IN_SECOND, open_one=True, rng=rng)
    counts["scores"] += scored
    for entry in CATALOG:
        if entry.flagship:
            services.project_recognize(actor=cast.city_admin, project=projects[entry.title],
                                       outstanding=True,
                                       replication_case=entry.fate == "accepted")
    counts["projects"] = len(projects)
    counts["milestones"] = Milestone.objects.filter(project__portfolio=portfolio).count()
    counts["claims"] = Claim.objects.filter(project__portfolio=portfolio).count()
    counts["updates"] = ProgressUpdate.objects.filter(project__portfolio=portfolio).count()
    counts["roadshows"] = 2
    return counts
