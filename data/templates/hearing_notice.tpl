# 听证告知书 — 行政处罚法 第六十三条、第六十四条; 汶上 第十五条; 云南 附件2 第九条（十一） (YN-2-09).
title: 听证告知书
number: 听告
kinds: penalty
needs: prior_notice
source: 行政处罚法 第六十四条; 云南 附件2 第九条（十一） (YN-2-09)
---
= {{org.name}}
= {{doc.title}}
~ {{doc.number}}

| {{party.name}}：
{{#record.prior_notice}}
本机关拟对你（单位）{{case.cause}}一案（案号：{{case.number}}）作出如下行政处罚：{{proposed_penalty}}
{{#hearing_right}}
根据《中华人民共和国行政处罚法》第六十三条、第六十四条的规定，你（单位）有权要求举行听证。如要求听证，请于收到本告知书之日起五日内向本机关提出；逾期未提出的，视为放弃听证权利。
{{/hearing_right}}
{{/record.prior_notice}}
{{#record.hearing_notice}}
本机关定于{{hearing_at}}在{{place}}举行听证，听证主持人：{{host}}，记录员：{{clerk}}。听证{{#public}}公开{{/public}}{{^public}}不公开{{/public}}举行。
{{/record.hearing_notice}}

> {{org.name}}（印章）
> {{doc.date_zh}}
