// Pre-publicity (事前公开) sections as core/prepub.h defines them, for showing and editing a
// version in both apps: their Chinese titles and, for the list sections, the fields of an item
// (required ones marked; the API checks them again: prepub_sections_check).
export const SECTIONS = [
  { key: 'powers', title: '权责清单与执法依据', type: 'list', fields: [['name', '权责事项', true], ['kind', '类别'], ['basis', '法律依据', true, 'text'], ['note', '备注']] },
  { key: 'procedures', title: '执法程序与流程图', type: 'list', fields: [['kind', '执法类别（penalty / inspection / coercion）', true], ['description', '说明', false, 'text']] },
  { key: 'service_guides', title: '服务指南', type: 'list', fields: [['title', '标题', true], ['content', '内容', false, 'text'], ['forms', '文书样式']] },
  { key: 'inspection_items', title: '随机抽查事项清单', type: 'list', fields: [['subject', '抽查主体', true], ['basis', '依据'], ['object', '抽查对象'], ['content', '抽查内容'], ['ratio', '抽查比例'], ['method', '抽查方式'], ['frequency', '抽查频次']] },
  { key: 'remedies', title: '救济途径', type: 'list', fields: [['title', '标题', true], ['content', '内容', false, 'text']] },
  { key: 'discretion', title: '行政裁量基准', type: 'list', fields: [['title', '标题', true], ['content', '内容', false, 'text']] },
  { key: 'hearing_standards', title: '听证标准', type: 'list', fields: [['title', '标题', true], ['content', '内容', false, 'text']] },
  { key: 'report_hotline', title: '投诉举报电话', type: 'text' },
  { key: 'inspection_plan', title: '年度检查计划', type: 'plan' },
].map((s) => ({ ...s, fields: (s.fields || []).map(([name, label, required, input]) => ({ name, label, required: !!required, input: input || 'line' })) }))

export const SECTION_BY_KEY = Object.fromEntries(SECTIONS.map((s) => [s.key, s]))
