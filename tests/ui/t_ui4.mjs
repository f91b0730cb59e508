// Browser test of one penalty case from clue to publication (issue 6 "Tests"), called from
// ui_test.mjs with its helpers (run it alone with --only ui4). Every step is taken in the
// workbench through its forms, as the demo users would: km.officer1 opens the case (登记案件),
// km.head files it (立案), the officer records an inquiry with two officers, ends the
// investigation, submits it for review and requests the legal review, km.reviewer records 同意,
// the officer issues and serves the prior notice (事先告知); the steps' dates (filled in their
// forms) lie a few weeks back, so the statement/hearing period after the notice is over today
// and the head decides (作出行政处罚决定); the officer serves the decision, km.publisher drafts
// the publication with an ID number, mobile and bank card in the original, km.head approves it,
// km.publisher publishes it (with an override reason when the gate asks), and the portal shows
// the result without those numbers. The API is only read (the reviewer's id, the case number,
// the publicity item), never used to take a step.
//
// Not used: the step form's 发生时间 (record time). It sends the picker's local time with an
// offset (2026-10-12T09:00:00+08:00) and the API takes only UTC (…Z), so a backdated record
// time is refused as 时间格式无效; the gates read the dates in the bodies anyway.

// The steps' dates: the statement/hearing period after the notice on D.notice (5 days, or the
// policy's longer hearing-request period, in working days) is over on any day from mid-November.
const D = {
  filed: '2026-10-12',
  inquiry: '2026-10-13',
  ended: '2026-10-15',
  opinion: '2026-10-16',
  reviewReq: '2026-10-19',
  reviewed: '2026-10-21',
  notice: '2026-10-23',
}

function residentId(body17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...body17].reduce((s, d, i) => s + Number(d) * w[i], 0)
  return body17 + '10X98765432'[sum % 11]
}

// A card number with its Luhn check digit (what the redactor recognises as a bank card).
function luhn(body) {
  let sum = 0
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i])
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2
    sum += d
  }
  return body + String((10 - (sum % 10)) % 10)
}

// 'YYYY-MM-DD HH:mm:ss' now in Asia/Shanghai (the browser context's zone)
function shanghaiNow() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 19).replace('T', ' ')
}

export async function run(T) {
  const { BASE, page, check, tap, login, logout, pick, pickFirst, api, shot } = T
  const stamp = Date.now() % 1000000
  const cause = `涉嫌虚构医药服务项目骗取医保基金（ui4 ${stamp}）`
  const partyName = `昆明某某康复医院有限公司${stamp}`
  const idNo = residentId('53010219850612457')
  const mobile = '13812345678'
  const card = luhn('622202130200123456')
  const today = shanghaiNow().slice(0, 10)
  let caseId = 0
  let caseNumber = ''
  const decisionNo = `昆医保罚〔2026〕ui4-${stamp}号`
  const fail = (what) => {
    throw new Error(what)
  }

  const form = () => page.locator('[data-test=step-form]')
  // fill a date or date-time picker of the open step form
  const setDate = async (id, value) => {
    const f = form()
    await f.locator(`#${id}`).fill(value)
    await f.locator(`#${id}`).press('Enter')
  }
  const open = async (action) => {
    await page.locator(`[data-test=next-actions] [data-action=${action}]`).click()
    await form().waitFor()
  }
  const submit = async () => {
    await page.locator('[data-test=step-submit]').click()
    const problem = page.locator('[data-test=problem]')
    await Promise.race([form().waitFor({ state: 'hidden' }), problem.waitFor({ state: 'visible' })])
    if (await problem.isVisible()) {
      const text = await problem.innerText()
      await page.getByRole('button', { name: '取消' }).click()
      throw new Error(`the API refused the step: ${text}`)
    }
  }
  const state = (zh) => page.locator('[data-test=case-state]', { hasText: zh }).waitFor()
  const gotoCase = async () => {
    await page.goto(`${BASE}/app/cases/${caseId}`, { waitUntil: 'domcontentloaded' })
    await page.locator('[data-test=timeline] .el-timeline-item').first().waitFor()
  }
  const lastRecord = async () => (await page.locator('[data-test=timeline] .el-timeline-item').last().innerText())
  let ok = true
  // after a failed step the page may hold an open dialog: the remaining steps are skipped
  const signIn = async (user) => ok && login(page, user)
  const signOut = async () => ok && logout(page)
  // the reviewer to name in the request: looked up as the admin, in a context of its own
  const adminApi = await T.browser.newContext()
  await adminApi.request.post(`${BASE}/api/v1/session`, { data: { username: 'admin', password: T.PASSWORD } })
  const users = await (await adminApi.request.get(`${BASE}/api/v1/users?limit=200`)).json()
  const reviewerId = users.items.find((u) => u.username === 'km.reviewer')?.id
  await adminApi.close()
  // every step depends on the one before: stop at the first failure
  const step = async (desc, fn) => {
    if (!ok) return tap(false, `${desc} (skipped: an earlier step failed)`)
    await check(desc, async () => {
      try {
        await fn()
      } catch (e) {
        ok = false
        throw e
      }
    })
  }

  await signIn('km.officer1')
  await step('ui4 flow: the officer opens a new penalty case (登记案件) with two officers: 线索', async () => {
    await page.goto(`${BASE}/app/cases`)
    await page.locator('[data-test=new-case-open]').click()
    const f = page.locator('[data-test=new-case]')
    await f.waitFor()
    await f.getByLabel('案由').fill(cause)
    await f.getByLabel('单位名称').fill(partyName)
    await f.getByLabel('统一社会信用代码').fill('91350100M000100Y43')
    await f.getByLabel('法定代表人').fill('钱某')
    await f.getByLabel('联系电话').fill(mobile)
    await pickFirst(page, f.locator('.el-form-item', { hasText: '承办执法人员' }))
    await page.keyboard.press('Escape')
    await page.locator('[data-test=new-case-submit]').click()
    const problem = page.locator('[data-test=new-case] [data-test=problem]')
    await Promise.race([page.waitForURL(/\/app\/cases\/\d+$/), problem.waitFor()])
    if (await problem.isVisible()) fail(`the API refused the case: ${await problem.innerText()}`)
    caseId = Number(page.url().match(/\/app\/cases\/(\d+)$/)[1])
    await state('线索')
    const c = await api(page, `/api/v1/cases/${caseId}`)
    const valid = c.officers.filter((o) => o.cert_no && o.cert_valid_to >= today)
    if (valid.length < 2) fail(`officers with a valid credential: ${JSON.stringify(c.officers)}`)
  })
  await signOut()

  await signIn('km.head')
  await step('ui4 flow: the head files the case (立案, backdated): 已立案 with a case number', async () => {
    await gotoCase()
    await open('file')
    const f = form()
    await pick(page, f.locator('[data-field=source]'), '举报')
    await f.locator('#f-cause').fill(cause)
    await f.locator('#f-reason').fill('群众举报该院虚构康复治疗项目，经初步核查存在违法嫌疑')
    await f.locator('#f-party_summary').fill(`${partyName}，法定代表人钱某`)
    await f.locator('#f-facts').fill('2026年1月至6月，该院虚构康复治疗项目并纳入医保基金结算')
    if ((await f.locator('[data-field=officers] .el-tag').count()) < 2) {
      await pickFirst(page, f.locator('[data-field=officers]'))
      await page.keyboard.press('Escape')
    }
    await pick(page, f.locator('[data-field=approver]'), '本人')
    await page.keyboard.press('Escape')
    await f.locator('#f-handler_opinion').fill('建议立案调查')
    await f.locator('#f-unit_opinion').fill('同意立案')
    await f.locator('#f-head_opinion').fill('同意立案')
    await setDate('f-approved_on', D.filed)
    await submit()
    await state('立案')
    const c = await api(page, `/api/v1/cases/${caseId}`)
    caseNumber = c.number || ''
    if (!caseNumber) fail('no case number after filing')
    await page.locator('[data-test=case-number]', { hasText: caseNumber }).waitFor()
  })
  await signOut()

  await signIn('km.officer1')
  await step('ui4 flow: an inquiry with two officers is recorded (backdated): 调查取证', async () => {
    await gotoCase()
    await open('inquire')
    const f = form()
    const chosen = (await f.locator('[data-field=officers] .el-tag').allInnerTexts()).filter((s) => s.trim())
    if (chosen.length < 2) fail(`officers preselected: ${chosen}`)
    await f.locator('[data-field=credentials_shown] .el-switch').click()
    await setDate('f-started_at', `${D.inquiry} 09:00:00`)
    await setDate('f-ended_at', `${D.inquiry} 10:30:00`)
    await f.getByLabel('地点').fill('医院行政楼会议室')
    await f.getByLabel('被询问人姓名').fill('钱某')
    await pick(page, f.locator('[data-field=interviewee_role]'), '法定代表人')
    await f.locator('[data-field=rights_told] .el-switch').click()
    await f.getByLabel('询问内容').fill('问：康复治疗项目是否实际提供？答：部分项目未实际提供。')
    await f.locator('[data-field=party_signed] .el-switch').click()
    await submit()
    await state('调查取证')
    if (!(await lastRecord()).includes('询问')) fail(await lastRecord())
  })
  await step('ui4 flow: the investigation is ended (backdated): 调查终结', async () => {
    await open('end_investigation')
    const f = form()
    await setDate('f-ended_on', D.ended)
    await f.getByLabel('违法事实').fill('虚构康复治疗项目骗取医保基金')
    await f.getByLabel('证据', { exact: true }).fill('结算数据、询问笔录')
    await f.getByLabel('法律依据').fill('《医疗保障基金使用监督管理条例》第四十条')
    await f.getByLabel('处理建议').fill('建议依法处罚')
    await submit()
    await state('调查终结')
  })
  await step('ui4 flow: submitted for review (承办人意见, backdated): 审核', async () => {
    await open('submit_review')
    const f = form()
    await setDate('f-dated_on', D.opinion)
    for (const [id, text] of [['facts', '虚构康复治疗项目骗取医保基金'], ['evidence', '结算数据、询问笔录'], ['basis', '条例第四十条'], ['discretion', '云南省医疗保障行政处罚裁量基准'], ['proposal', '责令退回并处罚款']])
      await f.locator(`#f-${id}`).fill(text)
    await submit()
    await state('审核')
  })
  await step('ui4 flow: legal review requested from km.reviewer (backdated)', async () => {
    await open('request_legal_review')
    const f = form()
    await setDate('f-submitted_on', D.reviewReq)
    // the reviewer is not among the case's people: typed as a user id (the select allows it)
    if (!reviewerId) fail('no km.reviewer among the users')
    await f.locator('#f-reviewer').fill(String(reviewerId))
    await f.locator('#f-reviewer').press('Enter')
    for (const k of ['cause_and_party', 'facts', 'law_and_discretion', 'qualification', 'investigation_and_hearing', 'collective_discussion'])
      await f.locator(`#f-explanation-${k}`).fill(`情况说明：${k}`)
    await f.locator('#f-draft_decision').fill('拟对当事人作出罚款决定')
    await f.locator('#f-draft_decision_file').fill('draft-ui4')
    await f.locator('#f-evidence_list').fill('询问笔录\n医保结算数据')
    await submit()
    if (!(await lastRecord()).includes('法制审核')) fail(await lastRecord())
  })
  await signOut()

  await signIn('km.reviewer')
  await step("ui4 flow: the reviewer records 同意 from the review queue (backdated)", async () => {
    await page.goto(`${BASE}/app/reviews`, { waitUntil: 'domcontentloaded' })
    const row = page.locator('[data-test=review-queue] .el-table__row', { hasText: caseNumber })
    await row.getByRole('button', { name: '法制审核意见', exact: true }).click()
    const f = form()
    await f.waitFor()
    await setDate('f-reviewed_on', D.reviewed)
    const items = f.locator('.el-radio[data-value=pass]')
    for (let i = 0, k = await items.count(); i < k; i++) await items.nth(i).click()
    await pick(page, f.locator('[data-field=opinion]'), '同意')
    await f.locator('#f-reasons').fill('事实清楚，证据确凿，程序合法，适用依据正确')
    await f.locator('#f-copies').fill('承办机构\n法制审核机构\n案卷')
    await submit()
    if (!(await lastRecord()).includes('法制审核意见')) fail(await lastRecord())
  })
  await signOut()

  await signIn('km.officer1')
  await step('ui4 flow: prior notice (事先告知) issued and served on the party (backdated): 已告知', async () => {
    await gotoCase()
    await open('prior_notice')
    let f = form()
    await f.locator('#f-notice_no').fill(`昆医保罚告〔2026〕ui4-${stamp}号`)
    await setDate('f-issued_on', D.notice)
    await f.locator('#f-facts').fill('虚构康复治疗项目骗取医保基金')
    await f.locator('#f-evidence').fill('结算数据、询问笔录')
    await f.locator('#f-basis').fill('《医疗保障基金使用监督管理条例》第四十条')
    await f.locator('#f-proposed_penalty').fill('责令退回医保基金，并处罚款')
    await f.locator('[data-field=statement_right] .el-switch').click()
    await f.locator('[data-field=hearing_right] .el-switch').click()
    await f.locator('#f-period_days').fill('5')
    await submit()
    await state('告知')
    // serve the notice (直接送达, other documents)
    await open('serve_direct')
    f = form()
    await f.locator('#f-document').fill('行政处罚事先告知书')
    await f.locator('[data-field=credentials_shown] .el-switch').click()
    await setDate('f-served_at', `${D.notice} 15:00:00`)
    await f.locator('#f-place').fill('医院行政楼')
    await f.locator('#f-recipient').fill(partyName)
    await f.locator('#f-signer').fill('钱某')
    await pick(page, f.locator('[data-field=signer_relation]'), '法定代表人')
    await setDate('f-signed_on', D.notice)
    await submit()
    if (!(await lastRecord()).includes('送达')) fail(await lastRecord())
  })
  await signOut()

  await signIn('km.head')
  await step('ui4 flow: the statement period is over; the head decides (作出行政处罚决定) today: 已决定', async () => {
    await gotoCase()
    await open('decide')
    const f = form()
    await f.locator('#f-decision_no').fill(decisionNo)
    await pick(page, f.locator('[data-field=signer]'), '本人')
    await page.keyboard.press('Escape')
    await setDate('f-signed_at', shanghaiNow())
    await setDate('f-decided_on', today)
    await f.locator('[data-field=outcome] .el-radio[data-value=penalty]').click()
    await f.locator('#f-fine_fen').fill('5000')
    await f.locator('#f-facts').fill('虚构康复治疗项目骗取医保基金')
    await f.locator('#f-evidence').fill('结算数据、询问笔录')
    await f.locator('#f-basis').fill('《医疗保障基金使用监督管理条例》第四十条')
    await f.locator('#f-remedies').fill('如不服本决定，可在六十日内申请行政复议，或在六个月内提起行政诉讼')
    await submit()
    await state('决定')
  })
  await signOut()

  await signIn('km.officer1')
  await step('ui4 flow: the decision is served (直接送达): 已送达', async () => {
    await gotoCase()
    await open('serve_decision_direct')
    const f = form()
    await f.locator('#f-document').fill('行政处罚决定书')
    await f.locator('[data-field=credentials_shown] .el-switch').click()
    await setDate('f-served_at', shanghaiNow())
    await f.locator('#f-place').fill('医院行政楼')
    await f.locator('#f-recipient').fill(partyName)
    await f.locator('#f-signer').fill('钱某')
    await pick(page, f.locator('[data-field=signer_relation]'), '法定代表人')
    await setDate('f-signed_on', today)
    await submit()
    await state('送达')
    await shot(page, 'case-served')
  })
  await signOut()

  // the case's publicity item (read through the API)
  let item = null
  await signIn('km.publisher')
  await step('ui4 flow: the publish queue lists the case; the publisher drafts the text (private numbers redacted)', async () => {
    const items = await api(page, '/api/v1/publicity/items?limit=200')
    item = (items.items || []).find((i) => i.case_id === caseId)
    if (!item) fail(`no publicity item for case ${caseId}`)
    await page.goto(`${BASE}/app/publicity`, { waitUntil: 'domcontentloaded' })
    await page.locator(`[data-test=pub-queue] [data-item="${item.id}"]`).click()
    await page.waitForURL(new RegExp(`/app/publicity/${item.id}$`))
    const f = page.locator('[data-test=draft-form]')
    await f.getByText('全文公示', { exact: true }).click()
    await f.locator('#d-full').fill(
      `${decisionNo}\n当事人：${partyName}，法定代表人身份证号码：${idNo}，联系电话：${mobile}，银行账号：${card}。\n` +
        '经查，当事人虚构康复治疗项目骗取医保基金。依据《医疗保障基金使用监督管理条例》第四十条，本机关决定罚款5000元。',
    )
    await page.locator('[data-test=draft-submit]').click()
    await page.locator('[data-test=pub-state]', { hasText: '待审批' }).waitFor()
    const redacted = await page.locator('[data-test=redacted]').innerText()
    for (const s of [idNo, mobile, card]) if (redacted.includes(s)) fail(`${s} left in the draft`)
  })
  await signOut()

  await signIn('km.head')
  await step('ui4 flow: the head approves the draft', async () => {
    await page.goto(`${BASE}/app/publicity/${item.id}`, { waitUntil: 'domcontentloaded' })
    await page.locator('[data-test=approve-card]').waitFor()
    await page.locator('#a-opinion').fill('同意公示')
    await page.locator('[data-test=approve-submit]').click()
    await page.locator('[data-test=pub-state]', { hasText: '已批准' }).waitFor()
  })
  await signOut()

  await signIn('km.publisher')
  await step('ui4 flow: the publisher publishes it (an override reason if the gate asks): 已公示', async () => {
    await page.goto(`${BASE}/app/publicity/${item.id}`, { waitUntil: 'domcontentloaded' })
    await page.locator('[data-test=publish-card]').waitFor()
    if (await page.locator('[data-test=gate-hits]').count()) {
      const hits = (await page.locator('[data-test=gate-hits]').innerText()).trim()
      if (hits) await page.locator('#p-override').fill('已核对，公示内容不含个人隐私信息')
    }
    if (await page.locator('#p-late').count()) await page.locator('#p-late').fill('不适用')
    await page.locator('[data-test=publish-submit]').click()
    await page.locator('[data-test=pub-state]', { hasText: '已公示' }).waitFor()
  })
  await signOut()

  await step("ui4 flow: the portal shows the case's result, with no ID number, mobile or bank card", async () => {
    await page.goto(`${BASE}/results/${item.id}`, { waitUntil: 'domcontentloaded' })
    await page.locator('[data-test=result-page]').waitFor()
    const text = await page.locator('[data-test=result-page]').innerText()
    if (!text.includes(decisionNo) || !text.includes('罚款5000元')) fail(`published text missing: ${text.slice(0, 300)}`)
    for (const s of [idNo, mobile, card]) if (text.includes(s)) fail(`private data on the portal: ${s}`)
    const leak = text.match(/\b\d{17}[\dXx]\b|\b1[3-9]\d{9}\b|\b\d{16,19}\b/)
    if (leak) fail(`private-looking number on the portal: ${leak[0]}`)
    await shot(page, 'portal-result-ui4')
  })
}
