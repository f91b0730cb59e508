# 责令改正通知书 — 行政处罚法 第二十八条; 汶上 第十八条第二款; 湖北 附件2 第四条 (HB-2-04).
title: 责令改正通知书
number: 责改
needs: order_correct
source: 行政处罚法 第二十八条; 汶上 第十八条第二款
---
= {{org.name}}
= {{doc.title}}
~ {{doc.number}}

| {{party.name}}：
{{#record.order_correct}}
经查，你（单位）存在以下违法行为：
{{violation}}
依据《中华人民共和国行政处罚法》第二十八条的规定，现责令你（单位）于{{deadline}}前改正。改正要求如下：
{{requirements}}
逾期不改正的，本机关将依法处理。
{{/record.order_correct}}

> {{org.name}}（印章）
> {{doc.date_zh}}
