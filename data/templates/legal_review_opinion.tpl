# 法制审核意见书 — 云南 附件3 第十条、第十一条; 湖北 附件3 第十二条; 汶上 第十六条.
title: 法制审核意见书
number_from: legal_review_opinion.opinion_no
needs: legal_review_opinion
source: 云南 附件3 第十一条; 湖北 附件3 第十二条
---
= {{org.name}}
= {{doc.title}}
~ {{doc.number}}

| 案号：{{case.number}}　　案由：{{case.cause}}
| 当事人：{{#parties}}{{name}} {{/parties}}
{{#record.legal_review_opinion}}
| 审核人员：{{reviewer}}　　审核日期：{{reviewed_on}}
{{#checklist}}
* 逐项审查情况
| 执法主体是否合法：{{subject.result}}{{#subject.comment}}（{{subject.comment}}）{{/subject.comment}}
| 执法人员资格：{{officers.result}}{{#officers.comment}}（{{officers.comment}}）{{/officers.comment}}
| 执法权限及管辖：{{authority.result}}{{#authority.comment}}（{{authority.comment}}）{{/authority.comment}}
| 事实与证据：{{facts.result}}{{#facts.comment}}（{{facts.comment}}）{{/facts.comment}}
| 法律适用：{{law.result}}{{#law.comment}}（{{law.comment}}）{{/law.comment}}
| 裁量基准：{{discretion.result}}{{#discretion.comment}}（{{discretion.comment}}）{{/discretion.comment}}
| 决定内容：{{content.result}}{{#content.comment}}（{{content.comment}}）{{/content.comment}}
| 程序：{{procedure.result}}{{#procedure.comment}}（{{procedure.comment}}）{{/procedure.comment}}
| 文书：{{documents.result}}{{#documents.comment}}（{{documents.comment}}）{{/documents.comment}}
| 涉嫌犯罪移送：{{crime.result}}{{#crime.comment}}（{{crime.comment}}）{{/crime.comment}}
{{/checklist}}
* 审核意见：{{opinion}}
{{reasons}}
{{/record.legal_review_opinion}}

> 法制审核机构：{{org.name}}
> {{doc.date_zh}}
