# 先行登记保存证据通知书 — 行政处罚法 第五十六条; 云南 附件2 第九条（八） (YN-2-09); 汶上 第十二条.
title: 先行登记保存证据通知书
number: 先保
needs: preservation
source: 行政处罚法 第五十六条; 云南 附件2 第九条（八） (YN-2-09)
---
= {{org.name}}
= {{doc.title}}
~ {{doc.number}}

| {{party.name}}：
{{#record.preservation}}
因你（单位）涉嫌{{case.cause}}（案号：{{case.number}}），{{reason}}经本机关负责人于{{approved_on}}批准，依据《中华人民共和国行政处罚法》第五十六条的规定，本机关于{{preserved_at}}在{{place}}对下列物品予以先行登记保存：
{{items}}
在先行登记保存期间，你（单位）不得损毁、销毁或者转移证据。本机关将在七日内作出处理决定。
| 执法人员：{{#officers}}{{display_name}}（执法证号{{cert_no}}） {{/officers}}
{{/record.preservation}}

> {{org.name}}（印章）
> {{doc.date_zh}}
