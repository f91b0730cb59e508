// Workbench routes under /app/. Menus and routes are role-aware; the API enforces the roles
// anyway (a hidden menu is convenience, not security).
import { createRouter, createWebHistory } from 'vue-router'
import { session, loadSession, hasRole, CASE_ROLES, markLoggedIn } from './session.js'
import { onUnauthorized } from '@/common/http.js'

export const routes = [
  { path: '/login', name: 'login', component: () => import('./views/Login.vue'), meta: { public: true, title: '登录' } },
  { path: '/', name: 'home', redirect: () => (hasRole(...CASE_ROLES) ? '/deadlines' : '/admin/orgs') },
  { path: '/deadlines', name: 'deadlines', component: () => import('./views/Deadlines.vue'), meta: { title: '我的期限', roles: CASE_ROLES } },
  { path: '/cases', name: 'cases', component: () => import('./views/Cases.vue'), meta: { title: '案件', roles: CASE_ROLES } },
  { path: '/cases/:id', name: 'case', component: () => import('./views/Case.vue'), meta: { title: '案件详情', roles: CASE_ROLES } },
  { path: '/reviews', name: 'reviews', component: () => import('./views/Reviews.vue'), meta: { title: '法制审核', roles: ['reviewer', 'head', 'supervisor'] } },
  { path: '/dashboard', name: 'dashboard', component: () => import('./views/Dashboard.vue'), meta: { title: '统计', roles: CASE_ROLES } },
  // ui2: results publicity (publisher, head, supervisor: routes.c PUBLICITY)
  { path: '/publicity', name: 'publicity', component: () => import('./views/Publicity.vue'), meta: { title: '结果公示', roles: ['publisher', 'head', 'supervisor'] } },
  { path: '/publicity/:id', name: 'publicity-item', component: () => import('./views/PublicityItem.vue'), meta: { title: '公示事项', roles: ['publisher', 'head', 'supervisor'] } },
  { path: '/prepub', name: 'prepub', component: () => import('./views/Prepub.vue'), meta: { title: '事前公开', roles: ['publisher', 'head', 'admin', 'supervisor'] } },
  // ui3: access requests (调阅)
  { path: '/access', name: 'access', component: () => import('./views/Access.vue'), meta: { title: '调阅申请', roles: CASE_ROLES } },
  { path: '/admin/orgs', name: 'orgs', component: () => import('./views/Orgs.vue'), meta: { title: '机构' } },
  { path: '/admin/users', name: 'users', component: () => import('./views/Users.vue'), meta: { title: '用户', roles: ['admin'] } },
  { path: '/admin/policy', name: 'policy', component: () => import('./views/Policy.vue'), meta: { title: '规则' } },
  { path: '/admin/audit', name: 'audit', component: () => import('./views/Audit.vue'), meta: { title: '审计日志', roles: ['admin', 'supervisor'] } },
  { path: '/:rest(.*)*', name: 'notfound', component: () => import('./views/NotFound.vue'), meta: { title: '未找到' } },
]

export const router = createRouter({ history: createWebHistory('/app/'), routes })

router.beforeEach(async (to) => {
  await loadSession()
  if (!to.meta.public && !session.user) return { name: 'login', query: { next: to.fullPath } }
  if (to.name === 'login' && session.user) return { path: '/' }
  if (to.meta.roles && !hasRole(...to.meta.roles)) return { name: 'notfound' }
  return true
})

router.afterEach((to) => {
  document.title = `${to.meta.title || ''} · 执法工作台 · 三项`
})

onUnauthorized(() => {
  session.user = null
  markLoggedIn(false)
  if (router.currentRoute.value.name !== 'login')
    router.push({ name: 'login', query: { next: router.currentRoute.value.fullPath } })
})
