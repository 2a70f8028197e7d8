// One renderer per input type of the turn answer. Each fills the choices row and sets up the
// text box; the returned function turns what was typed into a send body (free text is always allowed).
import { h, slotLabel } from './ui.js';

const NUMERIC = { type: 'text', inputmode: 'decimal', autocomplete: 'off' };
const MODES = {
  text: { type: 'text', autocomplete: 'off' },
  email: { type: 'email', inputmode: 'email', autocomplete: 'email' },
  phone: { type: 'tel', inputmode: 'tel', autocomplete: 'tel' },
  postal_code: { type: 'text', inputmode: 'numeric', autocomplete: 'postal-code' },
  number: NUMERIC,
  range: NUMERIC,
};
const EXT = { 'image/jpeg': ['.jpg', '.jpeg'], 'image/png': ['.png'], 'application/pdf': ['.pdf'] };
const MB = 1048576;

const asNumber = (text) => {
  const s = text.trim().replace(',', '.');
  return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : null;
};

const option = (attrs, label, body, send) =>
  h('button', { type: 'button', class: 'opt', part: 'option', ...attrs, text: label, onclick: () => send(body, label) });

const RENDER = {
  buttons(spec, add, ctx) {
    for (const o of spec.options || []) add(option({ 'data-option-id': o.id }, o.label, { choice: o.id }, ctx.send));
  },
  date(spec, add, ctx) {
    for (const s of spec.slots || []) {
      add(option({ part: 'option slot', 'data-slot-start': s.start }, slotLabel(s.start, ctx.lang), { value: s.start }, ctx.send));
    }
    const more = spec.more;
    if (more) add(option({ part: 'option more', 'data-option-id': more.id }, more.label, { choice: more.id }, ctx.send));
  },
  // The slider starts unchosen: the text box stays empty until the visitor moves it (or types), so
  // Enter never sends a value they did not pick. Its ends and the picked value are labelled.
  range(spec, add, ctx, ui) {
    const show = amount(spec.unit, ctx.lang);
    const picked = h('output', { part: 'range-value', class: 'picked', text: ctx.t('slide') });
    const pick = (n) => {
      slider.classList.remove('unset');
      picked.textContent = show(n);
      slider.setAttribute('aria-valuetext', show(n));
    };
    const slider = h('input', {
      type: 'range',
      part: 'range',
      class: 'range unset',
      min: spec.min,
      max: spec.max,
      step: spec.step || 'any',
      'aria-label': `${show(spec.min)} – ${show(spec.max)}`,
      oninput: () => {
        ui.input.value = slider.value;
        pick(+slider.value);
      },
    });
    ui.input.value = '';
    ui.sync = () => {
      const n = asNumber(ui.input.value);
      if (n == null) return;
      slider.value = n;
      pick(n);
    };
    const scale = h('div', { part: 'scale', class: 'scale', 'aria-hidden': 'true' },
      h('span', { text: show(spec.min) }), picked, h('span', { text: show(spec.max) }));
    add(h('div', { class: 'slider' }, slider, scale));
  },
  // Several photos at once (up to max_files): each is checked here first, then all are uploaded and
  // sent together as the question's answer.
  media(spec, add, ctx) {
    const accept = spec.accept && spec.accept.length ? spec.accept : Object.keys(EXT);
    const max = spec.max_bytes || 5 * MB;
    const most = spec.max_files || 1;
    const fits = (f) => {
      const ext = '.' + f.name.split('.').pop().toLowerCase();
      if (!(f.type ? accept.includes(f.type) : accept.some((m) => (EXT[m] || []).includes(ext)))) return ctx.t('badType');
      if (f.size > max) return ctx.t('tooBig', +(max / MB).toFixed(1));
      return '';
    };
    const file = h('input', {
      type: 'file',
      hidden: true,
      tabindex: '-1',
      multiple: most > 1,
      accept: accept.flatMap((m) => [m, ...(EXT[m] || [])]).join(','),
      onchange: () => {
        const files = [...file.files];
        file.value = '';
        if (!files.length) return;
        if (files.length > most) return ctx.note(ctx.t('tooMany', most));
        const wrong = files.map(fits).find((why) => why);
        if (wrong) return ctx.note(wrong);
        ctx.upload(files);
      },
    });
    add(h('button', { type: 'button', class: 'opt', part: 'attach', text: ctx.t('attach'), onclick: () => file.click() }), file);
  },
};

// A number as the conversation's language writes it: euros as money, other units after the number.
function amount(unit, lang) {
  const euros = unit === 'EUR';
  let format;
  try {
    format = new Intl.NumberFormat(lang, euros ? { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 } : {}).format;
  } catch (e) {
    format = String;
  }
  return (n) => format(n) + (unit && !euros ? ' ' + (unit === 'm2' ? 'm²' : unit) : '');
}

export function renderInput(spec, ui, ctx) {
  const type = spec ? spec.type : null;
  const box = ui.input;
  const mode = MODES[type] || MODES.text;
  box.type = mode.type;
  box.autocomplete = mode.autocomplete;
  if (mode.inputmode) box.setAttribute('inputmode', mode.inputmode);
  else box.removeAttribute('inputmode');
  box.placeholder = ctx.t('write') + (spec && spec.unit ? ` (${spec.unit === 'EUR' ? '€' : spec.unit === 'm2' ? 'm²' : spec.unit})` : '');
  ui.sync = null;
  ui.choices.replaceChildren();
  const add = (...els) => ui.choices.append(...els);
  if (RENDER[type]) RENDER[type](spec, add, ctx, ui);
  if (spec && spec.required === false) {
    add(h('button', { type: 'button', class: 'opt', part: 'skip', text: ctx.t('skip'), onclick: () => ctx.send({ skip: true }, ctx.t('skip')) }));
  }
  return (text) => {
    if (MODES[type] === NUMERIC) {
      const n = asNumber(text);
      return n == null ? { text } : { value: n };
    }
    return MODES[type] ? { value: text } : { text };
  };
}
