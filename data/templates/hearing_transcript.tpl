# 听证笔录 — 行政处罚法 第六十四条（八）; 汶上 第十五条; 云南 附件2 第九条（十一） (YN-2-09).
title: 听证笔录
needs: hearing_transcript
source: 行政处罚法 第六十四条; 云南 附件2 第九条（十一） (YN-2-09)
---
= {{doc.title}}

{{#record.hearing_transcript}}
| 案号：{{case.number}}　　案由：{{case.cause}}
| 听证时间：{{started_at}}至{{ended_at}}
| 听证地点：{{place}}
| 听证主持人：{{host}}　　记录员：{{clerk}}
| 案件调查人员：{{investigators}}
| 当事人及其他参加人：{{participants}}

* 听证内容
{{content}}

| 当事人签字确认：{{party_signed}}
{{/record.hearing_transcript}}

> 当事人（签名）：__________
> 主持人（签名）：__________　　记录员（签名）：__________
