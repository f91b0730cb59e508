// A form's state for the API's problem+json: the whole problem (shown above the buttons) and
// its message next to the field it names (`errors[field]`), plus a busy flag.
import { reactive } from 'vue'

export function useProblem() {
  const st = reactive({
    problem: null,
    errors: {},
    busy: false,
    reset() {
      st.problem = null
      for (const k of Object.keys(st.errors)) delete st.errors[k]
    },
    // Runs fn(); true when it succeeded, false (problem shown) when the API refused.
    async run(fn) {
      st.reset()
      st.busy = true
      try {
        await fn()
        return true
      } catch (e) {
        st.problem = e
        if (e.field) st.errors[e.field.replace(/^body\./, '')] = e.detail || e.title
        return false
      } finally {
        st.busy = false
      }
    },
  })
  return st
}
