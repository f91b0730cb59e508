// Form model ⇄ record body for catalogue fields (GET /api/v1/record-types).

// An empty model for fields; officers (user_ids named "officers") default to the case's
// officers whose credentials are valid today, booleans to false.
export function emptyModel(fields, defaults = {}) {
  const m = {}
  for (const f of fields) {
    if (f.type === 'object') m[f.name] = emptyModel(f.fields || [], {})
    else if (f.type === 'bool') m[f.name] = false
    else if (f.type === 'user_ids') m[f.name] = defaults[f.name] ? [...defaults[f.name]] : []
    else if (f.type === 'string_list') m[f.name] = (defaults[f.name] || []).join('\n') // one item a line
    else m[f.name] = defaults[f.name] ?? (f.type === 'int' || f.type === 'money_fen' ? undefined : '')
  }
  return m
}

function isEmpty(v) {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)
}

// The JSON body for the API: optional empty values are left out (the API reports missing
// required ones with the field's name, shown next to the field), money in 元 becomes 分.
export function toBody(fields, model) {
  const out = {}
  for (const f of fields) {
    const v = model[f.name]
    if (f.type === 'object') {
      const sub = toBody(f.fields || [], v || {})
      if (Object.keys(sub).length || f.required) out[f.name] = sub
      continue
    }
    if (f.type === 'bool') {
      out[f.name] = !!v
      continue
    }
    if (f.type === 'string_list') {
      const items = String(v || '').split('\n').map((x) => x.trim()).filter(Boolean)
      if (items.length || f.required) out[f.name] = items
      continue
    }
    if (isEmpty(v)) continue
    if (f.type === 'money_fen') out[f.name] = Math.round(Number(v) * 100)
    else if (f.type === 'int' || f.type === 'record_ref') out[f.name] = Number(v)
    else if (f.type === 'user_ids') out[f.name] = v.map((x) => (typeof x === 'string' && /^\d+$/.test(x) ? Number(x) : x))
    else out[f.name] = v
  }
  return out
}
