# 立案审批表 — 行政处罚法 第五十四条; 云南 附件2 第九条（一） (YN-2-09); 湖北 附件2 第四条 (HB-2-04).
title: 立案审批表
kinds: penalty
needs: filing_approval
source: 云南 附件2 第九条（一） (YN-2-09)
---
= {{org.name}}
= {{doc.title}}

{{#record.filing_approval}}
| 案号：{{case.number}}
| 案件来源：{{source}}
| 案由：{{cause}}
| 当事人：{{#parties}}{{name}}{{#uscc}}（统一社会信用代码{{uscc}}）{{/uscc}} {{/parties}}
* 当事人基本情况
{{party_summary}}
* 立案依据（启动原因）
{{reason}}
* 基本案情
{{facts}}
| 承办人员：{{#officers}}{{display_name}}（执法证号{{cert_no}}） {{/officers}}
* 承办人意见
{{handler_opinion}}
* 承办机构意见
{{unit_opinion}}
* 负责人意见
{{head_opinion}}
| 审批负责人：{{approver}}　　批准立案日期：{{approved_on}}
{{/record.filing_approval}}
