// Labels and formats shared by both apps (zh-CN).

export const KIND_ZH = {
  penalty: '行政处罚',
  inspection: '行政检查',
  coercion: '行政强制',
  application: '依申请',
}

export const ROLE_ZH = {
  officer: '执法人员',
  reviewer: '法制审核',
  head: '负责人',
  publisher: '公示管理',
  archivist: '档案管理',
  supervisor: '监督',
  admin: '系统管理',
}

export const LEVEL_ZH = { province: '省级', city: '市级', county: '县级', unit: '直属单位' }

export const SOURCE_ZH = {
  complaint: '投诉',
  report: '举报',
  inspection: '检查',
  transfer: '移送',
  assigned: '交办',
  application: '依申请',
}

export function roles(s) {
  return (s || '')
    .split(',')
    .filter(Boolean)
    .map((r) => ROLE_ZH[r] || r)
    .join('、')
}

// "2026-11-03T01:00:00Z" → "2026-11-03 09:00" in China Standard Time (UTC+8, no DST).
export function dateTime(iso) {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const t = new Date(d.getTime() + 8 * 3600 * 1000).toISOString()
  return `${t.slice(0, 10)} ${t.slice(11, 16)}`
}

export function yuan(fen) {
  if (fen === null || fen === undefined) return ''
  return (Number(fen) / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + ' 元'
}

// Urgency of a deadline for colouring: overdue, due within 3 days, within 7, later, met.
export function urgency(d) {
  if (d.state === 'met' || d.met_on) return 'met'
  if (d.state === 'overdue' || d.days_left < 0) return 'overdue'
  if (d.days_left <= 3) return 'urgent'
  if (d.days_left <= 7) return 'soon'
  return 'later'
}

export const URGENCY = {
  overdue: { label: '已逾期', tag: 'danger' },
  urgent: { label: '3 日内到期', tag: 'warning' },
  soon: { label: '7 日内到期', tag: 'primary' },
  later: { label: '未到期', tag: 'success' },
  met: { label: '已完成', tag: 'info' },
}
