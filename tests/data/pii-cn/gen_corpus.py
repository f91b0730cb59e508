#!/usr/bin/env python3
"""Generate corpus.txt: labelled synthetic sentences in the style of
medical-insurance penalty decisions, for tests/unit/test_redact.c.

Every identifier is synthetic and computed here with the published checks
(GB 11643 MOD 11-2, GB 32100 MOD 31 + GB 11714, Luhn); names, addresses and
organisations are made up from word lists. Deterministic (fixed seed):
    python3 tests/data/pii-cn/gen_corpus.py > tests/data/pii-cn/corpus.txt

Line format (TAB-separated): persons (comma-separated, may be empty), legal
representative (may be empty), the sentence with gold labels {KIND:text}.
KIND is what must go (NAME ID MOBILE LANDLINE CARD ACCOUNT EMAIL PROPERTY
ADDRESS FIN) or KEEP for text that must stay intact. Labels do not nest.
The source provision of each template is in its comment (PROVISIONS.md ids).
"""
import random

rng = random.Random(20260801)

# ---- identifiers ---------------------------------------------------------

ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
REGIONS = ["110105", "440304", "530102", "420102", "320102", "510107", "330106", "650102",
           "530111", "420106"]


def resident_id():
    y = rng.randrange(1940, 2006)
    m = rng.randrange(1, 13)
    d = rng.randrange(1, 29)
    s17 = "%s%04d%02d%02d%03d" % (rng.choice(REGIONS), y, m, d, rng.randrange(1000))
    return s17 + "10X98765432"[sum(int(a) * b for a, b in zip(s17, ID_W)) % 11]


def resident_id15():
    y = rng.randrange(40, 99)
    return "%s%02d%02d%02d%03d" % (rng.choice(REGIONS), y, rng.randrange(1, 13),
                                   rng.randrange(1, 29), rng.randrange(1000))


def luhn_complete(body):
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return body + str((10 - total % 10) % 10)


def card():
    n = rng.choice([16, 19])
    body = rng.choice(["622202", "621700", "622848", "623456"])
    body += "".join(rng.choice("0123456789") for _ in range(n - 1 - len(body)))
    return luhn_complete(body)


def grouped(s, k=4):
    return " ".join(s[i:i + k] for i in range(0, len(s), k))


def mobile():
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))


def mobile_written():
    m = mobile()
    return rng.choice([m, "%s-%s-%s" % (m[:3], m[3:7], m[7:]), "%s %s %s" % (m[:3], m[3:7], m[7:]),
                       "+86 " + m, "+86-" + m, "(+86)" + m, "86-%s-%s-%s" % (m[:3], m[3:7], m[7:])])


def landline():
    area = rng.choice(["010", "021", "027", "0871", "0755", "0870", "0716"])
    local = rng.choice("23456789") + "".join(rng.choice("0123456789") for _ in range(rng.choice([6, 7])))
    form = rng.choice(["%s-%s", "(%s)%s", "（%s）%s", "%s %s"]) % (area, local)
    if rng.random() < 0.2:
        form += "-" + str(rng.randrange(100, 9999))
    return form


USCC_A = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc():
    body = "MA" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(6))
    vals = [int(c) if c.isdigit() else ord(c) - ord("A") + 10 for c in body]
    c = 11 - sum(v * w for v, w in zip(vals, [3, 7, 9, 10, 5, 8, 4, 2])) % 11
    org = body + ("X" if c == 10 else "0" if c == 11 else str(c))
    s17 = "91" + rng.choice(REGIONS) + org
    c = 31 - sum(USCC_A.index(ch) * w for ch, w in zip(s17, USCC_W)) % 31
    return s17 + USCC_A[0 if c == 31 else c]


def account():
    return "".join(rng.choice("0123456789") for _ in range(rng.choice([17, 19, 20, 22])))


def email():
    local = rng.choice(["zhangwei", "li.na", "wang_fang88", "liuyang2020", "chen.jie", "yangmin"])
    return local + "@" + rng.choice(["163.com", "qq.com", "126.com", "example.cn", "sina.com.cn"])


def cert():
    prov, city = rng.choice([("粤", "深圳市"), ("云", "昆明市"), ("鄂", "武汉市"), ("京", "朝阳区")])
    br = rng.choice([("(", ")"), ("（", "）")])
    return "%s%s%d%s%s不动产权第%07d号" % (prov, br[0], rng.randrange(2015, 2026), br[1], city,
                                     rng.randrange(10 ** 7))


# ---- words ---------------------------------------------------------------

SURNAMES = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙", "马", "朱",
            "胡", "郭", "何", "高", "罗", "欧阳", "司马", "诸葛", "上官"]
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
         "涛", "超", "秀英", "建华", "志强", "海燕", "桂兰", "国庆", "晓东", "雪梅"]


def name(used):
    while True:
        n = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if n not in used:
            used.add(n)
            return n


ORGS = ["昆明康泰大药房有限公司", "武汉市仁和医院", "五华区德润诊所", "盘龙区惠民药店",
        "官渡区社区卫生服务中心", "江汉区安康门诊部", "西山区福寿堂医药连锁有限公司"]
ROADS = ["人民中路", "北京路", "青年路", "解放大道", "建设路", "东风西路", "滇池路"]
DISTRICTS = [("云南省昆明市", "五华区"), ("云南省昆明市", "盘龙区"), ("湖北省武汉市", "江汉区"),
             ("湖北省武汉市", "洪山区"), ("云南省曲靖市", "麒麟区")]


def address():
    p, d = rng.choice(DISTRICTS)
    s = "%s%s%s%d号" % (p, d, rng.choice(ROADS), rng.randrange(1, 300))
    if rng.random() < 0.6:
        s += "%d栋%d单元%d室" % (rng.randrange(1, 20), rng.randrange(1, 6), rng.randrange(101, 2801))
    return s


def org_address():
    p, d = rng.choice(DISTRICTS)
    return "%s%s%s%d号" % (p[3:], d, rng.choice(ROADS), rng.randrange(1, 300))


def date():
    return "%d年%d月%d日" % (rng.randrange(2023, 2027), rng.randrange(1, 13), rng.randrange(1, 29))


def amount():
    return "%d.%02d" % (rng.randrange(100, 10 ** rng.randrange(4, 10)), rng.randrange(100))


def docno():
    return "%s医保%s〔%d〕%d号" % (rng.choice(["昆", "汉", "曲", "五"]), rng.choice(["罚", "检", "强"]),
                             rng.randrange(2023, 2027), rng.randrange(1, 300))


def L(kind, text):
    return "{%s:%s}" % (kind, text)


# ---- templates -------------------------------------------------------------
# Each returns (persons, legal_rep, sentence).


def t_party_person():
    # YN-1-10 (一)(二); HB-1-12: party's name, ID number, home address
    u = set()
    n = name(u)
    cue = rng.choice(["身份证号码：", "公民身份号码：", "身份证号", "居民身份证号码为"])
    adr = rng.choice(["住址：", "家庭住址：", "现住址：", "户籍地："])
    return [n], "", "当事人%s，%s，%s出生，%s%s，%s%s。" % (
        L("NAME", n), rng.choice(["男", "女"]), date(), cue, L("ID", resident_id()), adr,
        L("ADDRESS", address()))


def t_party_contact():
    # YN-1-10 (二) 通讯方式; HB-1-12 通讯方式
    u = set()
    n = name(u)
    return [n], "", "当事人%s的联系电话为%s，电子邮箱为%s。" % (
        L("NAME", n), L("MOBILE", mobile_written()), L("EMAIL", email()))


def t_witness():
    # YN-1-10 (一): witnesses are natural persons other than the legal representative
    u = set()
    n = name(u)
    return [n], "", "证人%s（联系电话：%s）证实，%s其在%s购药时使用了他人医保卡。" % (
        L("NAME", n), L("LANDLINE", landline()), L("KEEP", date()), L("KEEP", rng.choice(ORGS)))


def t_patient():
    # YN-1-10 (一): patients named in records
    u = set()
    a, b = name(u), name(u)
    return [a, b], "", "经查，患者%s、%s的医保卡于%s在%s被刷卡结算共计%s元。" % (
        L("NAME", a), L("NAME", b), L("KEEP", date()), L("KEEP", rng.choice(ORGS)),
        L("KEEP", amount()))


def t_org_party():
    # YN-1-10 (一): the legal representative's name stays; USCC and registered address stay
    u = set()
    rep = name(u)
    return [rep], rep, "当事人：%s，统一社会信用代码：%s，住所：%s，法定代表人：%s。" % (
        L("KEEP", rng.choice(ORGS)), L("KEEP", uscc()), L("KEEP", org_address()), L("KEEP", rep))


def t_legal_rep_contact():
    # YN-1-10 (二): the legal representative is a natural person: ID and phone go
    u = set()
    rep = name(u)
    return [rep], rep, "法定代表人%s，身份证号码：%s，手机%s。" % (
        L("KEEP", rep), L("ID", resident_id()), L("MOBILE", mobile_written()))


def t_financial():
    # YN-1-10 (二) 财产状况; HB-1-12 个人财产状况. Gold: the status from its cue word on;
    # the whole clause when an amount comes before the cue word.
    u = set()
    n = name(u)
    clauses = [L("NAME", n) + "名下有" + L("FIN", "存款人民币%d万元" % rng.randrange(1, 90)),
               L("NAME", n) + "家庭" + L("FIN", "年收入约%d万元" % rng.randrange(2, 30)),
               L("NAME", n) + "另有" + L("FIN", "负债%d万元" % rng.randrange(1, 50)),
               L("NAME", n) + "的" + L("FIN", "财产状况为房产一套"),
               L("FIN", "当事人另有%d万元存款" % rng.randrange(1, 90))]
    c = rng.sample(clauses, 2)
    return [n], "", "经调查，%s，%s。" % (c[0], c[1])


def t_hardship():
    # YN-1-10 (二) 财产状况: a statement of hardship is one
    return [], "", "当事人%s，申请延期缴纳罚款%s元。" % (
        L("FIN", rng.choice(["家庭经济困难", "经济状况较差", "存款不足"])), L("KEEP", amount()))


def t_org_finance():
    # YN-1-10 (三): an organisation's financial status also goes
    return [], "", "%s上一年度%s。" % (
        L("KEEP", rng.choice(ORGS)), L("FIN", "营业收入为%d万元" % rng.randrange(50, 5000)))


def t_payment_account():
    # YN-1-10 (三): bank accounts, of organisations too
    return [], "", "请于收到本决定书之日起十五日内将罚款缴至指定账户，开户银行：%s，账号：%s。" % (
        rng.choice(["中国工商银行昆明分行", "中国建设银行武汉江汉支行", "中国农业银行曲靖分行"]),
        L("ACCOUNT", account()))


def t_card():
    # YN-1-10 (二) 银行账号: a card number found by Luhn
    c = card()
    return [], "", "经核实，涉案资金转入%s，转入金额%s元。" % (
        L("CARD", rng.choice([c, grouped(c)])), L("KEEP", amount()))


def t_id15():
    # YN-1-10 (二) 身份证号码: the 15-digit legacy form
    u = set()
    n = name(u)
    return [n], "", "经核对，%s所持旧版身份证%s与户籍信息一致。" % (L("NAME", n), L("ID", resident_id15()))


def t_id_bare():
    # YN-1-10 (二): an ID number without cue, found by its check character
    u = set()
    n = name(u)
    return [n], "", "参保人员%s（%s）于%s办理了异地就医备案。" % (
        L("NAME", n), L("ID", resident_id()), L("KEEP", date()))


def t_property():
    # YN-1-10 (二)(三) 不动产权属证书编号; HB-1-12
    u = set()
    n = name(u)
    form = rng.choice(["不动产权证号：%s", "房屋登记在%s名下，证号%s"])
    if form.startswith("房屋"):
        s = "经查封登记，" + form % (L("NAME", n), L("PROPERTY", cert())) + "。"
    else:
        s = "查封%s所有的房屋一处，" % L("NAME", n) + form % L("PROPERTY", cert()) + "。"
    return [n], "", s


def t_lives():
    # YN-1-10 (二) 家庭住址: 现住 / 家住
    u = set()
    n = name(u)
    return [n], "", "参保人%s，家住%s，%s起在%s住院治疗。" % (
        L("NAME", n), L("ADDRESS", address()), L("KEEP", date()), L("KEEP", rng.choice(ORGS)))


def t_person_domicile():
    # YN-1-10 (二): 住所 of a natural person (subject marker 性别 before it)
    u = set()
    n = name(u)
    return [n], "", "当事人%s，性别%s，住所：%s。" % (
        L("NAME", n), rng.choice(["男", "女"]), L("ADDRESS", address()))


def t_org_domicile():
    # 住所地 of a company is not private (YN-1-10 names natural persons' addresses only)
    return [], "", "%s，住所地：%s，系本市医保定点医药机构。" % (
        L("KEEP", rng.choice(ORGS)), L("KEEP", org_address()))


def t_law():
    # must keep: law citations, amounts (YN-1-09 summary: legal basis, decision)
    return [], "", "上述行为违反了%s第十五条第一款之规定，依据第三十八条第（一）项，决定责令退回医保基金%s元，并处罚款%s元。" % (
        L("KEEP", "《医疗保障基金使用监督管理条例》"), L("KEEP", amount()), L("KEEP", amount()))


def t_docno():
    # must keep: document number, date, case number (YN-1-09)
    return [], "", "本决定书文号为%s，案件编号%s，作出日期%s。" % (
        L("KEEP", docno()), L("KEEP", "%08d" % rng.randrange(10 ** 8)), L("KEEP", date()))


def t_remedy():
    # must keep: organisation hotlines (supplement.md: 12393, 400 numbers are not personal)
    return [], "", "如不服本决定，可于六十日内向%s申请行政复议，监督电话%s，服务热线%s。" % (
        L("KEEP", rng.choice(["昆明市人民政府", "武汉市医疗保障局", "云南省医疗保障局"])), L("KEEP", "12393"),
        L("KEEP", "400-%03d-%04d" % (rng.randrange(1000), rng.randrange(10000))))


def t_invoice():
    # must keep: invoice number (8 digits) and code (12 digits) have no personal data
    return [], "", "涉案票据发票代码%s，发票号码%s，金额%s元。" % (
        L("KEEP", "%012d" % rng.randrange(10 ** 12)), L("KEEP", "%08d" % rng.randrange(10 ** 8)),
        L("KEEP", amount()))


def t_officer():
    # must keep: enforcement officers and credential numbers are published (YN-1-07)
    return [], "", "执法人员%s（执法证号：%s）、%s（执法证号：%s）出示了执法证件。" % (
        L("KEEP", "杨立新"), L("KEEP", "%08d" % rng.randrange(10 ** 7, 10 ** 8)), L("KEEP", "孙海波"),
        L("KEEP", "%08d" % rng.randrange(10 ** 7, 10 ** 8)))


def t_permit():
    # YN-1-10 (二): residence permits of HK/Macao/Taiwan residents share the ID layout
    u = set()
    n = name(u)
    s17 = "%s%04d%02d%02d%03d" % (rng.choice(["810000", "820000", "830000"]), rng.randrange(1950, 2005),
                                  rng.randrange(1, 13), rng.randrange(1, 29), rng.randrange(1000))
    rid = s17 + "10X98765432"[sum(int(a) * b for a, b in zip(s17, ID_W)) % 11]
    return [n], "", "当事人%s持港澳台居民居住证，证件号码%s。" % (L("NAME", n), L("ID", rid))


TEMPLATES = [t_party_person, t_party_contact, t_witness, t_patient, t_org_party, t_legal_rep_contact,
             t_financial, t_hardship, t_org_finance, t_payment_account, t_card, t_id15, t_id_bare,
             t_property, t_lives, t_person_domicile, t_org_domicile, t_law, t_docno, t_remedy,
             t_invoice, t_officer, t_permit]

print("# Generated by gen_corpus.py (seed 20260801); see README.md. persons<TAB>legal_rep<TAB>text")
for i in range(240):
    persons, rep, s = TEMPLATES[i % len(TEMPLATES)]()
    print("%s\t%s\t%s" % (",".join(persons), rep, s))
