// Lines up an original text with the server's redacted text so both can be shown side by side
// with the removals highlighted. The server does the redaction (core/redact); this only finds
// where its masks are: "[身份证号码已隐去]"-style labels and surname + 某 for names.
// Returns { left: [{text, hit}], right: [{text, hit}] }; if the texts cannot be lined up
// (the publisher edited the final text by hand), the masks are still marked on the right and
// the left is shown plain.

const MASK = /\[[^[\]\n]{1,12}已隐去\]|[\u4e00-\u9fff]{1,2}某/g

function commonPrefix(a, b) {
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  return i
}

function commonSuffix(a, b, max) {
  let i = 0
  while (i < max && a[a.length - 1 - i] === b[b.length - 1 - i]) i++
  return i
}

// Redacted text as alternating literal text and masks.
export function segments(redacted) {
  const out = []
  let last = 0
  for (const m of (redacted || '').matchAll(MASK)) {
    if (m.index > last) out.push({ text: redacted.slice(last, m.index), mask: false })
    out.push({ text: m[0], mask: true })
    last = m.index + m[0].length
  }
  if (last < (redacted || '').length) out.push({ text: redacted.slice(last), mask: false })
  return out
}

function push(list, text, hit) {
  if (!text) return
  const prev = list[list.length - 1]
  if (prev && prev.hit === hit) prev.text += text
  else list.push({ text, hit })
}

export function align(original, redacted) {
  const segs = segments(redacted)
  const right = []
  const left = []
  for (const s of segs) push(right, s.text, s.mask)
  if (!original) return { left: [], right, aligned: false }
  let cur = 0
  const fine = []
  const rightFine = []
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]
    if (!s.mask) {
      if (!original.startsWith(s.text, cur)) return { left: [{ text: original, hit: false }], right, aligned: false }
      push(fine, s.text, false)
      push(rightFine, s.text, false)
      cur += s.text.length
      continue
    }
    const next = segs.slice(i + 1).find((x) => !x.mask)
    const end = next ? original.indexOf(next.text, cur) : original.length
    if (end < 0) return { left: [{ text: original, hit: false }], right, aligned: false }
    // masks that run into each other are one removal on the left
    let j = i
    let mask = s.text
    while (j + 1 < segs.length && segs[j + 1].mask) mask += segs[++j].text
    i = j
    const removed = original.slice(cur, end)
    // "当事人张三" vs "当事人张某": the mask pattern may take in a character that stayed
    const p = commonPrefix(removed, mask)
    const q = commonSuffix(removed.slice(p), mask.slice(p), Math.min(removed.length, mask.length) - p)
    push(fine, removed.slice(0, p), false)
    push(fine, removed.slice(p, removed.length - q), true)
    push(fine, removed.slice(removed.length - q), false)
    push(rightFine, mask.slice(0, p), false)
    push(rightFine, mask.slice(p, mask.length - q), true)
    push(rightFine, mask.slice(mask.length - q), false)
    cur = end
  }
  if (cur < original.length) return { left: [{ text: original, hit: false }], right, aligned: false }
  return { left: fine, right: rightFine, aligned: true }
}
