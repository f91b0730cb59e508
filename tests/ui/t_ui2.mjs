// Browser tests of the web UI's second slice (issue 6 with issue 4's APIs), called from
// ui_test.mjs with its helpers: the publish queue takes an overdue, undrafted demo decision
// through drafting (the server's redaction beside the original, removals highlighted), the
// head's approval and publishing past the publish gate with an override reason and a late
// reason; the portal then shows it with no private data. On a case page an officer sees which
// officers hold a valid credential when an on-site step is blocked, issues a document from a
// template and downloads its PDF (SM3 checked against the one shown), and fetches a record's
// ledger inclusion proof. A publisher drafts a new pre-publicity version (an incomplete item is
// refused at its field), the head approves it, the publisher publishes it, and the portal shows
// it with the officer list, the flowcharts and the org's draw, which re-runs to the same result.
import { createHash } from 'node:crypto'

// A checksum-valid resident ID number (GB 11643) for a made-up person born 1990-03-07.
function residentId(body17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...body17].reduce((s, d, i) => s + Number(d) * w[i], 0)
  return body17 + '10X98765432'[sum % 11]
}

export async function run(T) {
  await publicity(T)
  await documents(T)
  await prepub(T)
}

async function publicity(T) {
  const { BASE, browser, page, check, tap, login, logout, timedGoto, shot, LOAD_BUDGET_MS, PASSWORD } = T
  // the item: a KM decision still pending (overdue) on the demo data, found through the API
  const ctx = await browser.newContext()
  await ctx.request.post(`${BASE}/api/v1/session`, { data: { username: 'km.publisher', password: PASSWORD } })
  const pending = await (await ctx.request.get(`${BASE}/api/v1/publicity/items?state=pending&limit=200`)).json()
  const item = (pending.items || []).find((i) => i.kind === 'penalty') || (pending.items || [])[0]
  let party = null
  if (item) {
    const c = await (await ctx.request.get(`${BASE}/api/v1/cases/${item.case_id}`)).json()
    party = c.parties?.[0] || null
  }
  await ctx.close()
  if (!tap(!!item && !!party, 'demo data has a pending publicity item of the KM bureau', JSON.stringify(pending).slice(0, 400))) return

  const idNo = residentId('53010219900307123')
  const mobile = '13987654321'
  const partyName = party.kind === 'person' ? party.name : party.legal_rep || party.name
  const original =
    `${item.decision_no}\n当事人：${party.name}，身份证号码：${idNo}，联系电话：${mobile}。\n` +
    `经查，当事人串换药品违规结算医保基金。依据《医疗保障基金使用监督管理条例》第三十八条，本机关决定罚款5000元。`
  const emailLine = '\n举报邮箱：jubao@kmyb.example.gov.cn'
  const itemPath = `/app/publicity/${item.id}`

  await login(page, 'km.publisher')
  await check('publish queue: pending, drafted and approved items with due dates, overdue in red, loads < 1 s', async () => {
    const ms = await timedGoto(page, '/app/publicity', '[data-test=pub-queue] .el-table__row', 'publish queue')
    const row = page.locator('[data-test=pub-queue] .el-table__row', { hasText: item.case_number })
    if (!(await row.innerText()).includes(item.due_on)) throw new Error('due date not shown')
    if ((await page.locator('[data-test=pub-queue] .el-table__row .el-tag--danger').count()) < 1) throw new Error('no overdue tag')
    await shot(page, 'publish-queue')
    if (ms > LOAD_BUDGET_MS) throw new Error(`${ms} ms`)
  })
  await check('draft the full text: redacted text beside the original, removals highlighted on both sides', async () => {
    await page.locator(`[data-test=pub-queue] [data-item="${item.id}"]`).click()
    await page.waitForURL(new RegExp(`/app/publicity/${item.id}$`))
    const f = page.locator('[data-test=draft-form]')
    await f.getByText('全文公示', { exact: true }).click()
    await f.locator('#d-full').fill(original)
    await page.locator('[data-test=draft-submit]').click()
    await page.locator('[data-test=pub-state]', { hasText: '待审批' }).waitFor()
    const left = await page.locator('[data-test=original] mark').allInnerTexts()
    const right = await page.locator('[data-test=redacted] mark').allInnerTexts()
    const redacted = await page.locator('[data-test=redacted]').innerText()
    if (!left.includes(idNo) || !left.includes(mobile)) throw new Error(`original highlights ${left}`)
    if (!right.some((s) => s.includes('身份证号码已隐去')) || !right.some((s) => s.includes('手机号码已隐去'))) throw new Error(`redacted highlights ${right}`)
    if (redacted.includes(idNo) || redacted.includes(mobile)) throw new Error('private data left in the draft')
    if (party.kind === 'person' && redacted.includes(party.name)) throw new Error('party name left in the draft')
    await shot(page, 'publish-compare')
  })
  await check("the publisher edits the final text by hand (adds the bureau's e-mail): redrafted", async () => {
    await page.locator('[data-test=draft-edit]').click()
    const t = page.locator('#d-text')
    await t.fill((await t.inputValue()) + emailLine)
    await page.locator('[data-test=draft-submit]').click()
    await page.waitForFunction(() => document.querySelector('[data-test=redacted]')?.innerText.includes('jubao@'))
  })
  await logout(page)

  await login(page, 'km.head')
  await check('the head sees the publish menu and approves the draft', async () => {
    const ms = await timedGoto(page, itemPath, '[data-test=approve-card]', 'publicity item')
    await page.locator('#a-opinion').fill('同意公示')
    await page.locator('[data-test=approve-submit]').click()
    await page.locator('[data-test=pub-state]', { hasText: '已批准' }).waitFor()
    if (ms > LOAD_BUDGET_MS) throw new Error(`${ms} ms`)
  })
  await logout(page)

  await login(page, 'km.publisher')
  await check('publish: the gate shows its hit, publishing without a reason is refused next to the field', async () => {
    await timedGoto(page, itemPath, '[data-test=publish-card]', 'publicity item')
    const hits = await page.locator('[data-test=gate-hits]').innerText()
    if (!hits.includes('电子邮箱')) throw new Error(`gate hits: ${hits}`)
    T.allowHttpErrors(1)
    await page.locator('[data-test=publish-submit]').click()
    await page.locator('[data-test=problem]').waitFor()
    const err = await page.locator('.el-form-item.is-error').first()
    if ((await err.locator('label').innerText()).indexOf('理由') < 0) throw new Error('error not next to the override reason')
    await shot(page, 'publish-gate')
  })
  await check('publish with an override reason and a late reason: published', async () => {
    await page.locator('#p-override').fill('系本局公开的举报邮箱，不属于个人信息')
    if (await page.locator('#p-late').count()) await page.locator('#p-late').fill('人员调整致公示延误')
    await page.locator('[data-test=publish-submit]').click()
    await page.locator('[data-test=pub-state]', { hasText: '已公示' }).waitFor()
    await page.locator('[data-test=pub-override]').waitFor()
  })
  await logout(page)

  await check('the portal shows the published result with no private data', async () => {
    await timedGoto(page, `/results/${item.id}`, '[data-test=result-page]', 'portal result')
    const text = await page.locator('[data-test=result-page]').innerText()
    if (!text.includes('罚款5000元')) throw new Error('published text missing')
    const leaks = [idNo, mobile].concat(party.kind === 'person' ? [party.name] : []).filter((s) => text.includes(s))
    if (leaks.length) throw new Error(`private data on the portal: ${leaks}`)
    if (partyName && party.kind === 'person' && text.includes(partyName)) throw new Error('party name on the portal')
  })
  await check('the party files a correction request on the portal', async () => {
    await page.goto(`${BASE}/correction`, { waitUntil: 'domcontentloaded' })
    await page.getByLabel('决定书文号或案号').fill(item.decision_no)
    await page.getByLabel('当事人证件号码或统一社会信用代码').fill(party.id_number || party.uscc)
    await page.getByLabel('需要更正的内容及理由').fill('公示的罚款数额有误，请核实。')
    await page.getByRole('button', { name: '提交申请' }).click()
    await page.getByRole('status').waitFor()
  })

  await login(page, 'km.publisher')
  await check('the publisher answers the correction request (不予更正, with reasons and remedies)', async () => {
    await timedGoto(page, '/app/publicity?tab=corrections', '[data-test=corrections] .el-table__row', 'publish queue')
    const row = page.locator('[data-test=corrections] .el-table__row', { hasText: '罚款数额有误' }).first()
    await row.locator('[data-test=corr-reply]').click()
    const f = page.locator('[data-test=corr-form]')
    await f.waitFor()
    await f.getByText('不予更正', { exact: true }).click()
    await f.locator('#c-reply').fill('经核实，公示的罚款数额与决定书一致，不予更正。')
    await f.locator('#c-remedies').fill('如有异议，可依法申请行政复议或者提起行政诉讼。')
    await f.locator('#c-notified').fill('电话告知并寄送书面答复')
    await page.locator('[data-test=corr-submit]').click()
    await f.waitFor({ state: 'hidden' })
    await page.locator('[data-test=corrections] .el-table__row', { hasText: '不予更正' }).first().waitFor()
    await shot(page, 'publish-corrections')
  })
  await check('withdraw the published item after a reconsideration changed it', async () => {
    await timedGoto(page, itemPath, '[data-test=withdraw-open]', 'publicity item')
    await page.locator('[data-test=withdraw-open]').click()
    const f = page.locator('[data-test=withdraw-form]')
    await f.waitFor()
    await T.pick(page, f.locator('.el-form-item', { hasText: '变更情形' }), '经行政复议变更')
    await f.locator('#w-authority').fill('云南省医疗保障局')
    await f.locator('#w-document_no').fill('云医保复决〔2026〕9号')
    for (const id of ['w-change_date', 'w-received_on']) {
      await f.locator(`#${id}`).fill(new Date().toISOString().slice(0, 10))
      await f.locator(`#${id}`).press('Enter')
    }
    await f.locator('#w-content').fill('经行政复议，变更罚款数额为3000元。')
    await page.locator('[data-test=withdraw-submit]').click()
    await page.locator('[data-test=pub-state]', { hasText: '已撤回' }).waitFor()
  })
  await logout(page)
  await check('the portal lists the withdrawal notice with the change', async () => {
    await timedGoto(page, '/withdrawn', '[data-test=withdrawn] .el-table__row', 'portal withdrawn')
    await page.locator('[data-test=withdrawn] .el-table__row', { hasText: '云医保复决〔2026〕9号' }).first().waitFor()
    const t = await page.locator('[data-test=withdrawn] .el-table__row', { hasText: '云医保复决〔2026〕9号' }).first().innerText()
    if (!t.includes('经行政复议变更')) throw new Error(t)
  })

  // exemption, in another bureau whose queue still has a pending item
  await login(page, 'pl.publisher')
  await check('exempt a pending item with its reason (不予公示); a missing reason is refused at its field', async () => {
    const list = await T.api(page, '/api/v1/publicity/items?state=pending&limit=200')
    const other = (list.items || [])[0]
    if (!other) throw new Error('no pending item in the PL bureau')
    await timedGoto(page, `/app/publicity/${other.id}`, '[data-test=exempt-open]', 'publicity item')
    await page.locator('[data-test=exempt-open]').click()
    const f = page.locator('[data-test=exempt-form]')
    await f.waitFor()
    T.allowHttpErrors(1)
    await page.locator('[data-test=exempt-submit]').click()
    await f.locator('.el-form-item.is-error').first().waitFor()
    await f.getByText('可能影响系列案件查处').click()
    await f.locator('#e-expl').fill('与在查的系列欺诈骗保案件关联，公开将影响查处。')
    await page.locator('[data-test=exempt-submit]').click()
    await page.locator('[data-test=pub-state]', { hasText: '不予公示' }).waitFor()
  })
  await logout(page)
}

// A KM penalty case under investigation with an inquiry on record, an expired officer among its
// officers (so on-site steps are blocked) and documents allowed.
async function findCase(T, page) {
  const list = await T.api(page, '/api/v1/cases?kind=penalty&state=investigating&limit=200')
  for (const c of list.items || []) {
    const d = await T.api(page, `/api/v1/cases/${c.id}`)
    const a = Object.fromEntries(d.next_actions.map((x) => [x.action, x]))
    const today = new Date().toISOString().slice(0, 10)
    if (a.issue_document?.allowed && a.inquire && !a.inquire.allowed && d.officers.some((o) => o.cert_valid_to < today)) {
      const recs = await T.api(page, `/api/v1/cases/${c.id}/records`)
      if (recs.items.some((r) => r.type === 'inquiry_transcript')) return { c: d, today }
    }
  }
  return null
}

async function documents(T) {
  const { page, check, tap, login, logout, timedGoto, shot, LOAD_BUDGET_MS } = T
  await login(page, 'km.officer1')
  const found = await findCase(T, page)
  if (!tap(!!found, 'demo data has a KM case with an inquiry, an expired officer and documents allowed')) return logout(page)
  const { c, today } = found
  const valid = c.officers.filter((o) => o.cert_no && o.cert_valid_to >= today).map((o) => o.display_name)
  const expired = c.officers.filter((o) => o.cert_valid_to < today).map((o) => o.display_name)
  await check('blocked on-site step: the officers with a valid credential are named, the expired one is not', async () => {
    const ms = await timedGoto(page, `/app/cases/${c.id}`, '[data-test=timeline] .el-timeline-item', 'case page')
    const text = await page.locator('[data-test=blocked-actions] li[data-action=inquire] [data-test=valid-officers]').innerText()
    const miss = valid.filter((v) => !text.includes(v))
    const bad = expired.filter((v) => text.includes(v))
    if (miss.length || bad.length) throw new Error(`${text}; missing ${miss}; expired listed ${bad}`)
    await page.locator('[data-test=blocked-actions] li[data-action=inquire] [data-test=try-blocked]').hover()
    const tip = page.locator('.el-popper:visible', { hasText: '服务器再次核验' })
    await tip.waitFor({ timeout: 3000 })
    if (ms > LOAD_BUDGET_MS) throw new Error(`${ms} ms`)
  })
  await check('issue a document (询问笔录) from its template: listed with its SM3 and signing key', async () => {
    const before = await page.locator('[data-test=documents] .el-table__row').count()
    await page.locator('[data-test=doc-issue-open]').click()
    const f = page.locator('[data-test=doc-form]')
    await f.waitFor()
    await T.pick(page, f.locator('.el-form-item', { hasText: '文书模板' }), '询问笔录')
    await page.locator('[data-test=doc-issue]').click()
    await page.waitForFunction((b) => document.querySelectorAll('[data-test=documents] .el-table__row').length === b + 1, before, { timeout: 20000 })
    const row = page.locator('[data-test=documents] .el-table__row').last()
    const t = await row.innerText()
    if (!t.includes('询问笔录')) throw new Error(t)
    if (!/^[0-9a-f]{16}…$/.test((await row.locator('[data-test=doc-sm3]').innerText()).trim())) throw new Error('no SM3 shown')
    if (!/^[0-9a-f]{12}…$/.test((await row.locator('[data-test=doc-key]').innerText()).trim())) throw new Error('no key id shown')
    await page.locator('[data-test=documents]').scrollIntoViewIfNeeded()
    await shot(page, 'case-documents')
  })
  await check('download the PDF: a PDF whose SM3 is the one recorded', async () => {
    const docs = await T.api(page, `/api/v1/cases/${c.id}/documents`)
    const last = docs.items[docs.items.length - 1]
    const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=documents] [data-test=doc-download]').last().click()])
    const path = await dl.path()
    const { readFileSync } = await import('node:fs')
    const bytes = readFileSync(path)
    if (bytes.subarray(0, 5).toString() !== '%PDF-') throw new Error('not a PDF')
    const sm3 = createHash('sm3').update(bytes).digest('hex')
    if (sm3 !== last.sm3) throw new Error(`SM3 ${sm3} != recorded ${last.sm3}`)
  })
  await check('ledger: a record\'s inclusion proof and the latest checkpoint are fetched on demand', async () => {
    // the server signs one a minute; the admin signs one now so that the test need not wait
    const admin = await T.browser.newContext()
    const s = await (await admin.request.post(`${T.BASE}/api/v1/session`, { data: { username: 'admin', password: T.PASSWORD } })).json()
    const made = await admin.request.post(`${T.BASE}/api/v1/ledger/checkpoints`, { headers: { 'X-CSRF-Token': s.csrf_token }, data: {} })
    await admin.close()
    if (made.status() >= 300) throw new Error(`checkpoint: ${made.status()} ${await made.text()}`)
    await page.locator('[data-test=ledger-proof]').first().click()
    await page.locator('[data-test=checkpoint]').waitFor()
    const line = await page.locator('[data-test=ledger-line]').first().innerText()
    if (!/账本第 \d+ 号叶子/.test(line) || !line.includes('树大小')) throw new Error(line)
  })
  await logout(page)
}

async function prepub(T) {
  const { BASE, page, check, login, logout, timedGoto, shot, LOAD_BUDGET_MS } = T
  const power = `医疗保障基金使用监督检查（测试项 ${Date.now() % 100000}）`
  await login(page, 'km.publisher')
  const org = (await T.api(page, '/api/v1/me')).org_id
  await check('pre-publicity: a publisher drafts a new version; an incomplete item is refused at its field', async () => {
    const ms = await timedGoto(page, '/app/prepub', '[data-test=prepub-versions] .el-table__row', 'prepub staff')
    await page.locator('[data-test=prepub-new]').click()
    const ed = page.locator('[data-test=prepub-editor]')
    await ed.waitFor()
    await ed.locator('[data-section=powers] .el-collapse-item__header').click()
    await ed.locator('[data-add=powers]').click()
    const n = await ed.locator('[data-section=powers] .item').count()
    await ed.locator(`#p-powers-${n - 1}-name`).fill(power)
    T.allowHttpErrors(1)
    await page.locator('[data-test=prepub-save]').click()
    const err = ed.locator('.el-form-item.is-error')
    await err.first().waitFor()
    if ((await err.first().locator('label').getAttribute('for')) !== `p-powers-${n - 1}-basis`) throw new Error(`error at ${await err.first().locator('label').getAttribute('for')}`)
    await ed.locator(`#p-powers-${n - 1}-basis`).fill('《医疗保障基金使用监督管理条例》第二十七条')
    await page.locator('[data-test=prepub-save]').click()
    await page.locator('[data-test=prepub-versions] .el-table__row', { hasText: '草稿' }).first().waitFor()
    await page.locator('[data-test=prepub-preview]', { hasText: power }).waitFor()
    await shot(page, 'prepub-draft')
    if (ms > LOAD_BUDGET_MS) throw new Error(`${ms} ms`)
  })
  await logout(page)
  await login(page, 'km.head')
  await check('pre-publicity: the head approves the draft', async () => {
    await timedGoto(page, '/app/prepub', '[data-test=prepub-versions] .el-table__row', 'prepub staff')
    await page.locator('[data-test=prepub-approve]').first().click()
    await page.locator('[data-test=prepub-versions] .el-table__row', { hasText: '已审批' }).first().waitFor()
  })
  await logout(page)
  await login(page, 'km.publisher')
  let version = 0
  await check('pre-publicity: the publisher publishes the approved version', async () => {
    await timedGoto(page, '/app/prepub', '[data-test=prepub-versions] .el-table__row', 'prepub staff')
    await page.locator('[data-test=prepub-publish]').first().click()
    await page.locator('[data-test=prepub-preview] .el-tag', { hasText: '已公开' }).waitFor()
    const vs = await T.api(page, `/api/v1/prepub/orgs/${org}/versions`)
    version = Math.max(...vs.items.filter((v) => v.state === 'published').map((v) => v.version))
  })
  await logout(page)
  await check('portal pre-publicity: the new version, officers with valid credentials, flowcharts (SVG), the draw re-runs to the same result', async () => {
    await timedGoto(page, `/prepub/${org}`, '[data-test=prepub-sections]', 'portal prepub')
    const ver = await page.locator('[data-test=prepub-version]').innerText()
    if (!ver.includes(`第 ${version} 版`)) throw new Error(`shows ${ver}, want version ${version}`)
    if (!(await page.locator('[data-test=prepub-sections]').innerText()).includes(power)) throw new Error('new power item not shown')
    const today = new Date().toISOString().slice(0, 10)
    const cur = await T.api(page, `/api/v1/portal/prepub/orgs/${org}`)
    if (!cur.officers.length || cur.officers.some((o) => o.cert_valid_to < today)) throw new Error('officer list empty or with an expired credential')
    const rows = await page.locator('[data-test=prepub-officers] .el-table__row').count()
    if (rows !== cur.officers.length) throw new Error(`${rows} officer rows, API has ${cur.officers.length}`)
    const imgs = page.locator('img[data-test=flowchart]')
    if ((await imgs.count()) < 1) throw new Error('no flowchart')
    await imgs.first().scrollIntoViewIfNeeded()
    await page.waitForFunction(() => [...document.querySelectorAll('img[data-test=flowchart]')].slice(0, 1).every((i) => i.complete && i.naturalWidth > 0))
    await shot(page, 'portal-prepub-flowchart')
    await page.evaluate(() => window.scrollTo(0, 0))
    await shot(page, 'portal-prepub')
    const draw = page.locator('[data-test=draw]').first()
    await draw.waitFor()
    await draw.locator('[data-test=draw-verify]').click()
    const v = await draw.locator('[data-test=draw-verified]').innerText()
    if (!v.includes('一致') || v.includes('不一致')) throw new Error(v)
  })
}
