# 集体讨论记录 — 云南 附件2 第九条（十六） (YN-2-09); 汶上 第十六条; 北京 二(三).
title: 集体讨论记录
needs: collective_discussion
source: 云南 附件2 第九条（十六） (YN-2-09)
---
= {{doc.title}}

| 案号：{{case.number}}　　案由：{{case.cause}}
{{#record.collective_discussion}}
| 讨论日期：{{held_on}}
| 主持人：{{chair}}　　记录人：{{recorder}}
| 参加人员：{{participants}}
* 讨论事项
{{matter}}
* 参加人员意见
{{opinions}}
* 讨论结论
{{conclusion}}
| 全体参与讨论人员已签字：{{all_signed}}
{{/record.collective_discussion}}

> 参加人员（签名）：__________
