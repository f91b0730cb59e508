# 送达回证 — 行政处罚法 第六十一条; 汶上 第十七条（一）; 云南 附件2 第九条（十八） (YN-2-09).
title: 送达回证
needs: service_direct
source: 汶上 第十七条; 云南 附件2 第九条（十八） (YN-2-09)
---
= {{org.name}}
= {{doc.title}}

| 案号：{{case.number}}
{{#records.service_direct}}
| 送达文书：{{document}}{{#document_no}}（{{document_no}}）{{/document_no}}
| 受送达人：{{recipient}}
| 送达时间：{{served_at}}
| 送达地点：{{place}}
| 送达方式：直接送达
| 送达人：{{#officers}}{{display_name}}（执法证号{{cert_no}}） {{/officers}}
| 签收人：{{signer}}（{{signer_relation}}）　　签收日期：{{signed_on}}

{{/records.service_direct}}
> 受送达人（签名）：__________
> {{org.name}}（印章）
