// Who is logged in, shared by the layout, the router guard and the pages.
import { reactive } from 'vue'
import { api } from './api.js'

export const session = reactive({ user: null, checked: false })

export function hasRole(...names) {
  const mine = (session.user?.roles || '').split(',')
  return names.some((n) => mine.includes(n))
}

// Roles that may work on cases (routes.c CASEWORK): everyone but a pure admin.
export const CASE_ROLES = ['officer', 'head', 'reviewer', 'supervisor', 'archivist', 'publisher']

// A hint that this tab logged in (the session cookie itself is HttpOnly): without it there is
// no session to ask about, so a first visit goes straight to the login page without a 401.
const HINT = 'sx_logged_in'
export function markLoggedIn(on) {
  if (on) localStorage.setItem(HINT, '1')
  else localStorage.removeItem(HINT)
}

export async function loadSession() {
  if (session.checked) return session.user
  session.user = null
  if (localStorage.getItem(HINT)) {
    try {
      session.user = await api.me()
    } catch {
      markLoggedIn(false)
    }
  }
  session.checked = true
  return session.user
}
