# 现场检查笔录 — 云南 附件2 第九条（六） (YN-2-09); 北京 二(二)1 (BJ-2.2-1).
title: 现场检查笔录
needs: onsite_inspection_transcript
source: 云南 附件2 第九条（六） (YN-2-09)
---
= {{doc.title}}

{{#record.onsite_inspection_transcript}}
| 案号：{{case.number}}　　案由：{{case.cause}}
| 检查时间：{{started_at}}至{{ended_at}}
| 检查地点：{{place}}
| 被检查人：{{party.name}}
{{#party_present}}
| 在场当事人或负责人：{{party_present}}
{{/party_present}}
{{#present_persons}}
| 其他在场人员：{{present_persons}}
{{/present_persons}}
| 执法人员：{{#officers}}{{display_name}}（执法证号{{cert_no}}） {{/officers}}
| 已出示执法证件：{{credentials_shown}}

* 检查情况
{{content}}
{{#fund_records_accessed}}
检查中依法查阅、复制了医保基金相关资料。
{{/fund_records_accessed}}

| 当事人签字确认：{{party_signed}}
{{#refusal_note}}
| 拒绝签字情况：{{refusal_note}}
{{/refusal_note}}
{{/record.onsite_inspection_transcript}}

> 当事人（签名）：__________
> 执法人员（签名）：__________
> {{org.name}}
