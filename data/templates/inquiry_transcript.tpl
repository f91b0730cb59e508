# 询问（调查）笔录 — 云南 附件2 第九条（五） (YN-2-09); 湖北 附件2 第四条 (HB-2-04).
title: 询问笔录
kinds: penalty, coercion, inspection
needs: inquiry_transcript
source: 云南 附件2 第九条（五） (YN-2-09)
---
= {{doc.title}}

{{#record.inquiry_transcript}}
| 案号：{{case.number}}　　案由：{{case.cause}}
| 询问时间：{{started_at}}至{{ended_at}}
| 询问地点：{{place}}
| 询问人（执法人员）：{{#officers}}{{display_name}}（执法证号{{cert_no}}） {{/officers}}
| 被询问人：{{interviewee_name}}　　身份：{{interviewee_role}}
{{#interviewee_id_no}}
| 证件号码：{{interviewee_id_no}}
{{/interviewee_id_no}}
{{#interviewee_phone}}
| 联系电话：{{interviewee_phone}}
{{/interviewee_phone}}
| 已出示执法证件：{{credentials_shown}}　　已告知权利义务（含申请回避）：{{rights_told}}

* 询问内容
{{content}}

| 被询问人签字确认：{{party_signed}}
{{#refusal_note}}
| 拒绝签字情况：{{refusal_note}}
{{/refusal_note}}
{{/record.inquiry_transcript}}

> 被询问人（签名）：__________
> 询问人（签名）：__________
> {{org.name}}
