// The portal's calls to the public (no login) API of issue 4. These routes are being built on
// other branches (results publicity: /api/v1/portal/results…, pre-publicity:
// /api/v1/portal/prepub…); until they land on main the server answers 404 and every call here
// resolves to null (see fetchIf), which the pages show as "暂无数据". Only published, redacted data is ever
// served by these routes, so the portal never asks for anything else.
import { get, post, ApiError } from '@/common/http.js'

const P = '/api/v1/portal'

// Which portal routes this server has: read once from its OpenAPI document (public), so a
// page asks only for what exists and the browser logs no 404 for a route not yet built.
let routes = null
function served(pattern) {
  if (!routes)
    routes = get('/api/v1/openapi.json')
      .then((d) => new Set(Object.keys(d.paths || {})))
      .catch(() => new Set())
  return routes.then((s) => s.has(pattern))
}

// GET path if the server routes pattern, else null; a 404 (unpublished item) is null too.
async function fetchIf(pattern, path, params) {
  if (!(await served(pattern))) return null
  try {
    return await get(path, params)
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null
    throw e
  }
}

export const portal = {
  // {items:[{id, kind, kind_label, title, case_number, decision_no, party, org:{id,name},
  //          decided_on, published_on, form, text}], next_cursor}
  results: (p) => fetchIf(`${P}/results`, `${P}/results`, p),
  result: (id) => fetchIf(`${P}/results/{id}`, `${P}/results/${encodeURIComponent(id)}`),
  // {items:[{…, withdrawn_on, change:{kind, kind_label, …}}], next_cursor}
  withdrawn: (p) => fetchIf(`${P}/withdrawn`, `${P}/withdrawn`, p),
  // {items:[{org_id, code, name, version, published_at}]}
  prepubIndex: () => fetchIf(`${P}/prepub`, `${P}/prepub`),
  // {subject, officers[], sections{}, version, published_on, flowcharts}
  prepub: (orgId) => fetchIf(`${P}/prepub/orgs/{id}`, `${P}/prepub/orgs/${encodeURIComponent(orgId)}`),
  // ui2: a version's history and one past version, 双随机 draws and their re-run
  prepubHistory: (orgId) => fetchIf(`${P}/prepub/orgs/{id}/versions`, `${P}/prepub/orgs/${encodeURIComponent(orgId)}/versions`),
  prepubVersion: (orgId, v) => fetchIf(`${P}/prepub/orgs/{id}/versions/{version}`, `${P}/prepub/orgs/${encodeURIComponent(orgId)}/versions/${encodeURIComponent(v)}`),
  draws: (p) => fetchIf(`${P}/draws`, `${P}/draws`, p),
  drawVerifyUrl: (id) => `${P}/draws/${encodeURIComponent(id)}/verify`,
  drawVerify: (id) => fetchIf(`${P}/draws/{id}/verify`, `${P}/draws/${encodeURIComponent(id)}/verify`),
  // Annual statistics reports (issue 4 point 7): {items:[{org_id, org_name, year, version, published_on, counts, links}]}
  annualReports: (p) => fetchIf(`${P}/reports`, `${P}/reports`, p),
  hasCorrections: () => served(`${P}/corrections`),
  exportUrl: (fmt, p) => `${P}/export.${fmt}?${new URLSearchParams(p || {}).toString()}`,
  // {number, party_id, content, contact} → {id, due_on, message}
  correction: (body) => post(`${P}/corrections`, body),
}
