# 结案审批表 — 湖北 附件2 第四条（终结） (HB-2-04); 汶上 第二十三条.
title: 结案审批表
needs: closure
source: 湖北 附件2 第四条（终结） (HB-2-04); 汶上 第二十三条
---
= {{org.name}}
= {{doc.title}}

| 案号：{{case.number}}
| 案由：{{case.cause}}
| 当事人：{{#parties}}{{name}} {{/parties}}
| 承办人员：{{#officers}}{{display_name}} {{/officers}}
{{#record.decision}}
| 处罚决定：{{outcome}}（决定日期{{decided_on}}）
{{/record.decision}}
{{#record.closure}}
{{#execution_ended_on}}
| 执行终结日期：{{execution_ended_on}}
{{/execution_ended_on}}
* 处理结果及执行情况
{{summary}}
| 审批负责人：{{approver}}　　结案日期：{{closed_on}}
{{/record.closure}}
