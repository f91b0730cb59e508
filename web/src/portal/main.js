// Portal entry (/): the public 行政执法公示专栏, no login; shares no code with the workbench.
import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import 'element-plus/dist/index.css'
import { createRouter, createWebHistory } from 'vue-router'
import Portal from './Portal.vue'
import '@/common/base.css'

const routes = [
  { path: '/', component: () => import('./views/Home.vue'), meta: { title: '首页' } },
  { path: '/prepub', component: () => import('./views/Prepub.vue'), meta: { title: '事前公示' } },
  { path: '/prepub/:org', component: () => import('./views/Prepub.vue'), meta: { title: '事前公示' } },
  { path: '/results', component: () => import('./views/Results.vue'), meta: { title: '执法结果' } },
  { path: '/results/:id', component: () => import('./views/Result.vue'), meta: { title: '执法结果' } },
  { path: '/withdrawn', component: () => import('./views/Withdrawn.vue'), meta: { title: '撤销与变更公告' } },
  { path: '/annual', component: () => import('./views/Annual.vue'), meta: { title: '年度报告' } },
  { path: '/correction', component: () => import('./views/Correction.vue'), meta: { title: '更正申请' } },
  { path: '/:rest(.*)*', component: () => import('./views/Home.vue'), meta: { title: '首页' } },
]
const router = createRouter({ history: createWebHistory('/'), routes, scrollBehavior: () => ({ top: 0 }) })
router.afterEach((to) => (document.title = `${to.meta.title} · 医疗保障行政执法公示专栏`))

createApp(Portal).use(ElementPlus, { locale: zhCn }).use(router).mount('#app')
