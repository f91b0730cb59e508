// Browser tests of the web UI's third slice (issue 6 with the media and 调阅 APIs), called from
// ui_test.mjs with its helpers. On a case page an officer uploads a 5 MiB file by tus in chunks
// (the progress bar reaches 100 %), the attach_media form opens with the file's SM3 filled in,
// a missing required field is refused by the API next to that field, and the attached file
// is listed with its metadata, its 2-WD storage deadline and the warning that it does not
// cover the inquiry transcript's times. An officer of another org files a 调阅 request for a
// KM case, the KM head approves it, and the requester opens the case through the request
// within its window (the view is logged in the request's detail); the uploaded medium is
// requested from its row on the case page and, once the head approves, downloaded through it. The KM head's dashboard
// draws the year's publication rates, legal-review opinions and the per-org comparison.

// 'YYYY-MM-DD HH:mm:ss' in Asia/Shanghai (the browser context's zone) for an ISO UTC time
function shanghai(iso, addMinutes = 0) {
  const d = new Date(new Date(iso).getTime() + (addMinutes + 8 * 60) * 60000)
  return d.toISOString().slice(0, 19).replace('T', ' ')
}

export async function run(T) {
  await media(T)
  await access(T)
  await dashboard(T)
}

async function dashboard(T) {
  const { page, check, login, logout, timedGoto, shot } = T
  await login(page, 'km.head')
  await check('dashboard: publication rates, review opinions and per-org comparison charts of the current year', async () => {
    await timedGoto(page, '/app/dashboard', '[data-test=chart-state] canvas', 'dashboard (annual)')
    for (const c of ['chart-rates', 'chart-reviews', 'chart-orgs']) await page.locator(`[data-test=${c}] canvas`).waitFor({ timeout: 10000 })
    const src = await page.locator('[data-test=chart-rates] + .source').innerText()
    if (!/按时 \d+\/\d+/.test(src) || !src.includes('HB-1-11')) throw new Error(src)
    await page.locator('[data-test=chart-orgs]').scrollIntoViewIfNeeded()
    await shot(page, 'dashboard-annual')
  })
  await logout(page)
}

async function media(T) {
  const { BASE, browser, page, check, tap, login, logout, timedGoto, shot, PASSWORD } = T
  // a KM case with an inquiry transcript (started_at/ended_at), found through the API
  const ctx = await browser.newContext()
  await ctx.request.post(`${BASE}/api/v1/session`, { data: { username: 'km.officer1', password: PASSWORD } })
  const list = await (await ctx.request.get(`${BASE}/api/v1/cases?kind=penalty&limit=200`)).json()
  let target = null
  let transcript = null
  for (const c of list.items || []) {
    if (c.org_id !== 3 || ['archived', 'closed', 'not_filed'].includes(c.state)) continue
    const recs = await (await ctx.request.get(`${BASE}/api/v1/cases/${c.id}/records`)).json()
    transcript = (recs.items || []).find((r) => r.body?.started_at && r.body?.ended_at)
    if (transcript) {
      target = c
      break
    }
  }
  await ctx.close()
  if (!tap(!!target, 'demo data has an open KM penalty case with an inquiry transcript')) return

  await login(page, 'km.officer1')
  await check('case page: media section loads with the upload control, < 1 s', async () => {
    const ms = await timedGoto(page, `/app/cases/${target.id}`, '[data-test=media-card] [data-test=media-upload]', 'case media')
    if (ms > T.LOAD_BUDGET_MS) throw new Error(`${ms} ms`)
  })
  let sm3 = ''
  await check('upload 5 MiB by tus in chunks of Upload-Chunk-Max: two PATCHes, progress reaches 100 %', async () => {
    const patches = []
    const onReq = (r) => r.method() === 'PATCH' && r.url().includes('/api/v1/uploads/') && patches.push(r)
    page.on('request', onReq)
    const buffer = Buffer.alloc(5 * 1024 * 1024 + 1234, 7)
    buffer.write(`sanxiang ui3 ${Date.now()}`) // a fresh content each run
    await page.locator('[data-test=media-file]').setInputFiles({ name: '现场检查录像.mp4', mimeType: 'video/mp4', buffer })
    await page.locator('[data-test=media-start]').click()
    await page.locator('[data-test=media-progress][aria-valuenow="100"]', { hasText: '100%' }).waitFor({ timeout: 20000 })
    page.off('request', onReq)
    if (patches.length !== 2) throw new Error(`${patches.length} PATCH requests`)
    await page.locator('[data-test=step-form]').waitFor()
    sm3 = await page.locator('[data-test=step-form] [data-field=sm3] input').inputValue()
    if (!/^[0-9a-f]{64}$/.test(sm3)) throw new Error(`sm3 field: ${sm3}`)
    await shot(page, 'media-upload')
  })
  await check('attach_media: a missing required field is refused by the API next to that field', async () => {
    const f = page.locator('[data-test=step-form]')
    await f.locator('#f-captured_from').fill(shanghai(transcript.body.started_at, 10))
    await f.locator('#f-captured_from').press('Enter')
    await f.locator('#f-captured_to').fill(shanghai(transcript.body.ended_at))
    await f.locator('#f-captured_to').press('Enter')
    await f.getByLabel('地点', { exact: true }).fill('昆明市某医院住院部')
    await f.getByLabel('证明对象').fill('住院病人在床情况')
    await f.getByLabel('设备').fill('执法记录仪 DSJ-01')
    T.allowHttpErrors(1)
    await page.locator('[data-test=step-submit]').click()
    await page.locator('[data-test=problem]').waitFor()
    const err = page.locator('.el-form-item.is-error').first()
    const field = await err.getAttribute('data-field')
    if (field !== 'interruptions') throw new Error(`error shown at ${field}: ${await page.locator('[data-test=problem]').innerText()}`)
  })
  await check('attach_media recorded: the file is listed with metadata, storage deadline and the transcript-time warning', async () => {
    const f = page.locator('[data-test=step-form]')
    await f.getByLabel('中断情况说明').fill('无')
    await page.locator('[data-test=step-submit]').click()
    await f.waitFor({ state: 'hidden' })
    const row = page.locator('[data-test=media-list] .el-table__row', { hasText: sm3.slice(0, 16) })
    await row.waitFor()
    const text = await row.innerText()
    if (!text.includes('昆明市某医院住院部') || !text.includes('住院病人在床情况')) throw new Error(text)
    if (!(await row.locator('[data-test=media-deadline]').count())) throw new Error('no storage deadline')
    if (!text.includes('2个工作日内')) throw new Error(`deadline text: ${text}`)
    if (!(await row.locator('[data-test=media-warning]').innerText()).includes('音像记录起止时间与笔录时间不一致')) throw new Error('no time-mismatch warning')
    if (!(await page.locator('[data-test=timeline]').innerText()).includes('音像记录关联')) throw new Error('no media_attach record in the timeline')
    await page.locator('[data-test=media-card]').scrollIntoViewIfNeeded()
    await shot(page, 'case-media')
  })
  await check('调阅 a medium: the row links to the request form with the case and the SM3 filled in', async () => {
    const row = page.locator('[data-test=media-list] .el-table__row', { hasText: sm3.slice(0, 16) })
    await row.locator('[data-test=media-request]').click()
    await page.locator('[data-test=access-form]').waitFor()
    if ((await page.locator('#a-sm3').inputValue()) !== sm3) throw new Error('sm3 not filled in')
    if ((await page.locator('#a-case').inputValue()) !== String(target.id)) throw new Error('case not filled in')
    await page.locator('#a-reason').fill(`ui3 浏览器测试：复制音像记录 ${sm3.slice(0, 8)}`)
    await page.locator('[data-test=access-submit]').click()
    await page.locator('[data-test=access-list] .el-table__row', { hasText: sm3.slice(0, 8) }).waitFor()
  })
  await logout(page)
  T.mediaRequest = { sm3, size: 5 * 1024 * 1024 + 1234 }
}

async function access(T) {
  const { BASE, browser, page, check, tap, login, logout, timedGoto, shot, PASSWORD } = T
  const ctx = await browser.newContext()
  await ctx.request.post(`${BASE}/api/v1/session`, { data: { username: 'km.officer1', password: PASSWORD } })
  const list = await (await ctx.request.get(`${BASE}/api/v1/cases?limit=50`)).json()
  const kc = (list.items || []).find((c) => c.org_id === 3 && c.number)
  await ctx.close()
  if (!tap(!!kc, 'demo data has a numbered KM case')) return
  const reason = `ui3 浏览器测试：交叉检查需查阅 ${kc.number}（${Date.now()}）`

  let reqId = 0
  await login(page, 'wh.officer1')
  await check('调阅: an officer of another org files a case request; an empty reason is refused at its field', async () => {
    await timedGoto(page, '/app/access', '[data-test=access-form]', 'access requests')
    await page.locator('#a-case').fill(String(kc.id))
    T.allowHttpErrors(1)
    await page.locator('[data-test=access-submit]').click()
    await page.locator('[data-test=access-problem]').waitFor()
    if (!(await page.locator('[data-test=access-form] .el-form-item.is-error').count())) throw new Error('no field error')
    await page.locator('#a-reason').fill(reason)
    await page.locator('[data-test=access-submit]').click()
    const row = page.locator('[data-test=access-list] .el-table__row', { hasText: reason })
    await row.waitFor()
    reqId = Number((await row.locator('td').first().innerText()).trim())
    await row.locator(`[data-test=access-state-${reqId}]`, { hasText: '待审批' }).waitFor()
  })
  await logout(page)
  await login(page, 'km.head')
  await check('调阅: the case org\'s head sees the request and approves it', async () => {
    await timedGoto(page, '/app/access', '[data-test=access-list] .el-table__row', 'access (head)')
    await page.locator(`[data-test=access-approve-${reqId}]`).click()
    await page.locator(`[data-test=access-state-${reqId}]`, { hasText: '已批准' }).waitFor()
    if (T.mediaRequest) {
      const m = page.locator('[data-test=access-list] .el-table__row', { hasText: T.mediaRequest.sm3.slice(0, 8) })
      await m.locator('button', { hasText: '批准' }).click()
      await m.locator('.el-tag', { hasText: '已批准' }).waitFor()
    }
    await shot(page, 'access-requests')
  })
  await logout(page)
  if (T.mediaRequest) {
    await login(page, 'km.officer1')
    await check('调阅 a medium: once approved the requester downloads it through the request (same size)', async () => {
      await timedGoto(page, '/app/access', '[data-test=access-list] .el-table__row', 'access (media)')
      const m = page.locator('[data-test=access-list] .el-table__row', { hasText: T.mediaRequest.sm3.slice(0, 8) })
      const href = await m.locator('[data-test^=access-download-]').getAttribute('href')
      const n = await page.evaluate(async (u) => (await (await fetch(u, { credentials: 'same-origin' })).arrayBuffer()).byteLength, href)
      if (n !== T.mediaRequest.size) throw new Error(`${href}: ${n} bytes`)
    })
    await logout(page)
  }
  await login(page, 'wh.officer1')
  await check('调阅: the requester sees the window and opens the case through the request (view logged)', async () => {
    await timedGoto(page, '/app/access', '[data-test=access-list] .el-table__row', 'access (requester)')
    const row = page.locator('[data-test=access-list] .el-table__row', { hasText: reason })
    if (!(await row.innerText()).includes('有效至')) throw new Error('no window shown')
    await page.locator(`[data-test=access-view-${reqId}]`).click()
    await page.locator('[data-test=access-records] .el-timeline-item').first().waitFor()
    if (!(await page.locator('[data-test=access-window]').innerText()).includes('调阅有效至')) throw new Error('no window in the view')
    await shot(page, 'access-view')
    await page.keyboard.press('Escape')
    const detail = await T.api(page, `/api/v1/access-requests/${reqId}`)
    if (!(detail.log || []).some((l) => l.action)) throw new Error(`view not logged: ${JSON.stringify(detail)}`)
  })
  await logout(page)
}
