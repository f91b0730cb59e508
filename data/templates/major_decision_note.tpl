# 重大行政执法决定情况说明 — 云南 附件3 第八条; 湖北 附件3 第六条; 云南 附件2 第九条（十五） (YN-2-09).
title: 重大行政执法决定情况说明
needs: legal_review_request
source: 云南 附件3 第八条; 湖北 附件3 第六条
---
= {{doc.title}}

| 案号：{{case.number}}　　案由：{{case.cause}}
| 当事人：{{#parties}}{{name}} {{/parties}}
{{#record.legal_review_request}}
| 送审人：{{submitter}}　　送审日期：{{submitted_on}}
{{#explanation}}
* 一、案件由来及当事人基本情况
{{cause_and_party}}
* 二、主要事实和证据
{{facts}}
* 三、适用法律和裁量理由
{{law_and_discretion}}
* 四、执法主体和人员资格
{{qualification}}
* 五、调查取证及听证情况
{{investigation_and_hearing}}
* 六、集体讨论情况
{{collective_discussion}}
{{#other}}
* 七、其他需要说明的情况
{{other}}
{{/other}}
{{/explanation}}
* 拟作出的决定
{{draft_decision}}
{{#evidence_list}}
| 证据材料清单：{{evidence_list}}
{{/evidence_list}}
{{/record.legal_review_request}}

> 承办机构：{{org.name}}
> {{doc.date_zh}}
