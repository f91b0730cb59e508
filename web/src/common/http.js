// Thin fetch wrapper shared by the workbench and the portal: JSON in and out, the CSRF token
// on every change (DESIGN §6), and errors turned into ApiError carrying the API's
// problem+json (RFC 9457): a Chinese title, detail, the field at fault and the rule's source.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.title || `请求失败（${status}）`)
    this.status = status
    this.title = problem?.title || `请求失败（${status}）`
    this.detail = problem?.detail || ''
    this.field = problem?.field || ''
    this.source = problem?.source || ''
    this.type = problem?.type || ''
  }
}

let csrfToken = sessionStorage.getItem('sx_csrf') || ''

export function setCsrf(token) {
  csrfToken = token || ''
  if (csrfToken) sessionStorage.setItem('sx_csrf', csrfToken)
  else sessionStorage.removeItem('sx_csrf')
}

// Listeners told when the API says the session is gone (401), e.g. to show the login page.
const unauthorized = new Set()
export function onUnauthorized(fn) {
  unauthorized.add(fn)
}

function query(params) {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v)
  }
  const s = q.toString()
  return s ? `?${s}` : ''
}

export async function request(method, path, { body, params, quiet401 } = {}) {
  const headers = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken
  let res
  try {
    res = await fetch(path + query(params), {
      method,
      headers,
      credentials: 'same-origin',
      body: body !== undefined ? JSON.stringify(body) : undefined,
    })
  } catch (e) {
    throw new ApiError(0, { title: '无法连接服务器', detail: String(e.message || e) })
  }
  if (res.status === 204) return null
  const ctype = res.headers.get('content-type') || ''
  const data = ctype.includes('json') ? await res.json().catch(() => null) : await res.text()
  if (!res.ok) {
    const err = new ApiError(res.status, typeof data === 'object' ? data : null)
    if (res.status === 401 && !quiet401) unauthorized.forEach((fn) => fn(err))
    throw err
  }
  return data
}

export const get = (path, params, opts) => request('GET', path, { params, ...opts })
export const post = (path, body, opts) => request('POST', path, { body, ...opts })
export const del = (path, opts) => request('DELETE', path, opts)

// ui3: the CSRF token for requests that are not JSON (tus uploads send raw bytes)
export const csrf = () => csrfToken
