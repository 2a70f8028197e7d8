// DOM: a tiny element helper and the widget's fixed frame (launcher, greeting, panel).
export function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const k in attrs) {
    const v = attrs[k];
    if (v == null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  el.append(...kids.filter((c) => c != null));
  return el;
}

const bubble = () => {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  const path = document.createElementNS(ns, 'path');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  path.setAttribute('d', 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z');
  svg.append(path);
  return svg;
};

export function frame(on) {
  const ui = {};
  ui.launcher = h('button', {
    type: 'button',
    part: 'launcher',
    class: 'launcher',
    'aria-expanded': 'false',
    'aria-controls': 'eb-panel',
    'aria-describedby': 'eb-greeting',
    onclick: on.toggle,
  }, bubble());
  ui.greeting = h('div', { part: 'greeting', class: 'greeting', id: 'eb-greeting', hidden: true, onclick: on.open });
  ui.logo = h('img', { part: 'logo', alt: '', hidden: true });
  ui.title = h('span', { part: 'title', class: 'title' });
  ui.language = h('select', { part: 'language', hidden: true, onchange: () => on.language(ui.language.value) });
  ui.close = h('button', { type: 'button', part: 'close', class: 'close', text: '×', onclick: on.close });
  ui.log = h('div', { part: 'log', class: 'log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions' });
  ui.typing = h('div', { part: 'typing', class: 'typing', hidden: true }, h('span'), h('span'), h('span'), h('span', { class: 'sr' }));
  ui.body = h('div', { class: 'body' }, ui.log, ui.typing);
  ui.status = h('div', { part: 'status', class: 'status', role: 'status' });
  ui.choices = h('div', { part: 'choices', class: 'choices' });
  ui.input = h('input', { part: 'input', type: 'text', autocomplete: 'off', oninput: () => ui.sync && ui.sync() });
  ui.send = h('button', { type: 'submit', part: 'send', class: 'send' });
  ui.composer = h('form', { part: 'composer', class: 'composer', novalidate: true, onsubmit: on.submit }, ui.input, ui.send);
  ui.panel = h('div', {
    part: 'panel',
    class: 'panel',
    id: 'eb-panel',
    role: 'dialog',
    hidden: true,
    onkeydown: (e) => e.key === 'Escape' && on.close(),
  }, h('div', { part: 'header', class: 'header' }, ui.logo, ui.title, ui.language, ui.close), ui.body, ui.status, ui.choices, ui.composer);
  ui.root = h('div', { class: 'w' }, ui.launcher, ui.greeting, ui.panel);
  return ui;
}

// A slot's local day and time as the store sees it: the wall clock written in the ISO string
// (its offset is the store's), formatted in the conversation language whatever the visitor's zone.
export function slotLabel(iso, lang) {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)/.exec(iso || '');
  if (!m) return iso;
  const when = new Date(Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5]));
  try {
    return new Intl.DateTimeFormat(lang, {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: 'UTC',
    }).format(when);
  } catch (e) {
    return iso;
  }
}
