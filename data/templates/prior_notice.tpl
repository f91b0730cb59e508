# 行政处罚事先告知书 — 行政处罚法 第四十四条、第四十五条; 汶上 第十四条; 云南 附件2 第九条（十） (YN-2-09).
title: 行政处罚事先告知书
number: 罚告
kinds: penalty
needs: prior_notice
source: 行政处罚法 第四十四条; 云南 附件2 第九条（十） (YN-2-09)
---
= {{org.name}}
= {{doc.title}}
~ {{doc.number}}

| {{party.name}}：
{{#record.prior_notice}}
本机关对你（单位）{{case.cause}}一案（案号：{{case.number}}）进行了调查，现将拟作出行政处罚的事实、理由、依据和内容告知如下：
* 一、违法事实
{{facts}}
* 二、证据
{{evidence}}
* 三、处罚依据
{{basis}}
* 四、拟作出的行政处罚
{{proposed_penalty}}
{{#proposed_fine_fen}}
拟罚款人民币{{proposed_fine_fen}}元。
{{/proposed_fine_fen}}
{{#proposed_confiscation_fen}}
拟没收违法所得人民币{{proposed_confiscation_fen}}元。
{{/proposed_confiscation_fen}}
{{#statement_right}}
根据《中华人民共和国行政处罚法》第四十五条的规定，你（单位）有权进行陈述和申辩。
{{/statement_right}}
{{#hearing_right}}
根据《中华人民共和国行政处罚法》第六十三条、第六十四条的规定，你（单位）有权要求举行听证。
{{/hearing_right}}
请于收到本告知书之日起{{period_days}}日内向本机关提出，逾期视为放弃上述权利。
{{/record.prior_notice}}

| 联系人：{{#officers}}{{display_name}} {{/officers}}　　联系电话：{{org.phone}}
> {{org.name}}（印章）
> {{doc.date_zh}}
