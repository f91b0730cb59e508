// tus 1.0 upload of one file to /api/v1/uploads (README "音像记录"): OPTIONS for the chunk cap
// (our Upload-Chunk-Max header), POST to create, PATCH chunks in order, resuming from HEAD's
// Upload-Offset when a chunk fails. Resolves with the server's SM3 of the whole file.
import { ApiError, csrf } from '@/common/http.js'

const TUS = '1.0.0'
const b64 = (s) => btoa(String.fromCharCode(...new TextEncoder().encode(s)))

async function call(method, url, { headers = {}, body } = {}) {
  const h = { 'Tus-Resumable': TUS, ...headers }
  if (method !== 'HEAD' && method !== 'OPTIONS' && csrf()) h['X-CSRF-Token'] = csrf()
  let res
  try {
    res = await fetch(url, { method, headers: h, body, credentials: 'same-origin' })
  } catch (e) {
    throw new ApiError(0, { title: '无法连接服务器', detail: String(e.message || e) })
  }
  if (!res.ok) {
    const p = (res.headers.get('content-type') || '').includes('json') ? await res.json().catch(() => null) : null
    throw new ApiError(res.status, p)
  }
  return res
}

// onProgress(sent, total) after every stored chunk. Returns { sm3, size, duplicate }.
export async function tusUpload(file, onProgress = () => {}) {
  const opt = await call('OPTIONS', '/api/v1/uploads')
  const cap = Number(opt.headers.get('Upload-Chunk-Max')) || 4 * 1024 * 1024
  const meta = `filename ${b64(file.name)},filetype ${b64(file.type || 'application/octet-stream')}`
  const created = await call('POST', '/api/v1/uploads', { headers: { 'Upload-Length': String(file.size), 'Upload-Metadata': meta } })
  const url = created.headers.get('Location') || (await created.json()).location
  let offset = 0
  let sm3 = ''
  let duplicate = false
  let retries = 0
  onProgress(0, file.size)
  while (offset < file.size || (file.size === 0 && !sm3)) {
    let res
    try {
      res = await call('PATCH', url, {
        headers: { 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
        body: file.slice(offset, offset + cap),
      })
    } catch (e) {
      // a dropped connection: ask where the server is and go on from there (twice at most)
      if (e.status !== 0 || ++retries > 2) throw e
      res = await call('HEAD', url)
    }
    offset = Number(res.headers.get('Upload-Offset'))
    sm3 = res.headers.get('Upload-Sm3') || sm3
    duplicate = res.headers.get('Upload-Duplicate') === '1'
    onProgress(offset, file.size)
    if (file.size === 0) break
  }
  if (!sm3) sm3 = (await call('HEAD', url)).headers.get('Upload-Sm3') || ''
  return { sm3, size: file.size, duplicate }
}
