// The workbench's calls to the staff API (/api/v1, see docs/openapi.json). Only routes that
// exist on main are used here; every rule stays in the C API, the UI only shows and asks.
import { get, post, del, setCsrf } from '@/common/http.js'

const V = '/api/v1'

export const api = {
  async login(username, password) {
    const r = await post(`${V}/session`, { username, password }, { quiet401: true })
    setCsrf(r.csrf_token)
    return r.user
  },
  async logout() {
    try {
      await del(`${V}/session`)
    } finally {
      setCsrf('')
    }
  },
  me: () => get(`${V}/me`, undefined, { quiet401: true }),
  orgs: (p) => get(`${V}/orgs`, { limit: 200, ...p }),
  org: (id) => get(`${V}/orgs/${id}`),
  users: (p) => get(`${V}/users`, { limit: 200, ...p }),
  audit: (p) => get(`${V}/audit`, p),
  reviewStaffing: () => get(`${V}/review-staffing`),
  workflow: (kind) => get(`${V}/workflows/${encodeURIComponent(kind)}`),
  recordTypes: () => get(`${V}/record-types`),
  cases: (p) => get(`${V}/cases`, p),
  case: (id) => get(`${V}/cases/${id}`),
  createCase: (body) => post(`${V}/cases`, body),
  records: (id) => get(`${V}/cases/${id}/records`),
  step: (id, action, body, at) => post(`${V}/cases/${id}/records`, at ? { action, body, at } : { action, body }),
  verify: (id) => get(`${V}/cases/${id}/verify`),
  caseDeadlines: (id) => get(`${V}/cases/${id}/deadlines`),
  myDeadlines: () => get(`${V}/deadlines/mine`),
  overdue: () => get(`${V}/deadlines/overdue`),
  policy: (name) => get(`${V}/policies/${encodeURIComponent(name)}`),
  // ui2: results publicity, documents, ledger (issue 6 second slice)
  pubItems: (p) => get(`${V}/publicity/items`, p),
  pubItem: (id) => get(`${V}/publicity/items/${id}`),
  pubDraft: (id, body) => post(`${V}/publicity/items/${id}/draft`, body),
  pubApprove: (id, body) => post(`${V}/publicity/items/${id}/approve`, body),
  pubPublish: (id, body) => post(`${V}/publicity/items/${id}/publish`, body),
  pubExempt: (id, body) => post(`${V}/publicity/items/${id}/exempt`, body),
  pubWithdraw: (id, body) => post(`${V}/publicity/items/${id}/withdraw`, body),
  corrections: (p) => get(`${V}/publicity/corrections`, p),
  correctionReply: (id, body) => post(`${V}/publicity/corrections/${id}/reply`, body),
  documentTemplates: () => get(`${V}/document-templates`),
  documents: (id) => get(`${V}/cases/${id}/documents`),
  issueDocument: (id, body) => post(`${V}/cases/${id}/documents`, body),
  inclusion: (record) => get(`${V}/ledger/proofs/inclusion`, { record }),
  checkpoint: () => get(`${V}/ledger/checkpoints/latest`),
  prepubVersions: (org) => get(`${V}/prepub/orgs/${org}/versions`),
  prepubVersion: (id) => get(`${V}/prepub/versions/${id}`),
  prepubDraft: (org, sections) => post(`${V}/prepub/orgs/${org}/drafts`, { sections }),
  prepubApprove: (id) => post(`${V}/prepub/versions/${id}/approve`, {}),
  prepubPublish: (id) => post(`${V}/prepub/versions/${id}/publish`, {}),
  // ui3: case media, access requests (调阅), annual reports for the dashboard
  caseMedia: (id) => get(`${V}/cases/${id}/media`),
  accessRequests: (p) => get(`${V}/access-requests`, { limit: 200, ...p }),
  accessRequest: (id) => get(`${V}/access-requests/${id}`),
  fileAccess: (body) => post(`${V}/access-requests`, body),
  approveAccess: (id, note) => post(`${V}/access-requests/${id}/approve`, note ? { note } : {}),
  refuseAccess: (id, note) => post(`${V}/access-requests/${id}/refuse`, note ? { note } : {}),
  accessCase: (id) => get(`${V}/access-requests/${id}/case`),
  annual: (p) => get(`${V}/reports/annual`, p),
  annualOverview: (p) => get(`${V}/reports/annual-overview`, p),
}

// Catalogue and workflows change only with a new release: fetch once per page load.
const cache = new Map()
export function cached(key, fn) {
  if (!cache.has(key)) cache.set(key, fn().catch((e) => { cache.delete(key); throw e }))
  return cache.get(key)
}
export const recordTypes = () =>
  cached('rt', async () => {
    const r = await api.recordTypes()
    return Object.fromEntries((r.items || []).map((t) => [t.key, t]))
  })
export const workflow = (kind) => cached(`wf:${kind}`, () => api.workflow(kind))
