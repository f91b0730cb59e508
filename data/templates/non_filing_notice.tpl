# 不予立案告知书 — 汶上 第十条第二款; 云南 附件2 第九条（一） (YN-2-09).
title: 不予立案告知书
number: 不立
kinds: penalty
needs: non_filing_decision
source: 汶上 第十条第二款; 云南 附件2 第九条（一） (YN-2-09)
---
= {{org.name}}
= {{doc.title}}
~ {{doc.number}}

{{#record.non_filing_decision}}
| {{#notified_to}}{{notified_to}}{{/notified_to}}{{^notified_to}}{{party.name}}{{/notified_to}}：
关于{{case.cause}}一事，本机关经核查，决定不予立案。理由如下：
{{reason}}
特此告知。
{{/record.non_filing_decision}}

> {{org.name}}（印章）
> {{doc.date_zh}}
