# 行政处罚决定书 — 行政处罚法 第五十九条（决定书应载明的事项）; 湖北 附件2 第二十条;
# 云南 附件2 第九条（十七） (YN-2-09). 格式见 docs/documents.md。
title: 行政处罚决定书
number: 罚决
kinds: penalty
needs: decision
source: 行政处罚法 第五十九条; 云南 附件2 第九条（十七） (YN-2-09)
---
= {{org.name}}
= {{doc.title}}
~ {{doc.number}}

{{#party}}
| 当事人：{{name}}
{{#uscc}}
| 统一社会信用代码：{{uscc}}
{{/uscc}}
{{#id_number}}
| 身份证件号码：{{id_number}}
{{/id_number}}
{{#legal_rep}}
| 法定代表人：{{legal_rep}}
{{/legal_rep}}
{{#address}}
| 地址：{{address}}
{{/address}}
{{/party}}

{{#record.decision}}
本机关于{{case.created_on}}对你（单位）{{case.cause}}一案立案调查（案号：{{case.number}}），依法进行了调查取证，并依法告知了你（单位）拟作出行政处罚的事实、理由、依据及依法享有的陈述、申辩{{#record.prior_notice.hearing_right}}和要求听证{{/record.prior_notice.hearing_right}}等权利。现已调查终结。
* 一、违法事实
{{facts}}
* 二、证据
{{evidence}}
* 三、处罚依据及裁量理由
{{basis}}
{{#discretion}}
{{discretion}}
{{/discretion}}
* 四、处罚决定
{{#warning}}
（一）给予警告；
{{/warning}}
{{#fine_fen}}
（二）罚款人民币{{fine_fen}}元；
{{/fine_fen}}
{{#confiscation_fen}}
（三）没收违法所得人民币{{confiscation_fen}}元；
{{/confiscation_fen}}
{{#recovery_fen}}
（四）责令退回医保基金人民币{{recovery_fen}}元；
{{/recovery_fen}}
{{#other_penalty}}
（五）{{other_penalty}}
{{/other_penalty}}
* 五、履行方式和期限
{{#payment_days}}
请你（单位）自收到本决定书之日起{{payment_days}}日内，将罚没款缴至指定账户。逾期不缴纳罚款的，本机关可以每日按罚款数额的百分之三加处罚款。
{{/payment_days}}
* 六、救济途径和期限
{{remedies}}
{{/record.decision}}

> {{org.name}}（印章）
> {{doc.date_zh}}
