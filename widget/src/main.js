// Entry: one IIFE that finds its own <script> tag, draws the launcher at once, opens the visitor's
// session, and replays the window.Ebanista command queue.
import { absolute, call, setBase, upload } from './api.js';
import { known, NAMES, words } from './i18n.js';
import { renderInput } from './inputs.js';
import { CSS } from './styles.js';
import { theme } from './theme.js';
import { frame, h, slotLabel } from './ui.js';

// The longest message the chat API takes (SendBody.text in appliance/web/api/chat.py).
const MAX_TEXT = 2000;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?([+-]\d\d:\d\d|Z)$/;

const w = window;
const d = document;
const script = d.currentScript || d.querySelector('script[src*="/widget.js"][data-key]');
const KEY = script && script.dataset.key;
let warned = false;
const warn = (why) => warned || ((warned = true), console.warn('Ebanista widget: ' + why));

if (!KEY) warn('the script tag needs data-key');
else if (!d.getElementById('ebanista-widget')) boot();

function boot() {
  setBase(new URL(script.src, location.href).origin);
  // The conversation's id and its secret (given when it was opened): resuming needs both.
  const STORE = `ebanista:${KEY}:session`;
  const SECRET = `ebanista:${KEY}:secret`;
  const stored = (key) => {
    try {
      return localStorage.getItem(key);
    } catch (e) {
      return null;
    }
  };
  const remembered = stored(STORE);
  const CLOSED = `ebanista:${KEY}:closed`;
  const closedHere = (set) => {
    try {
      if (set) sessionStorage.setItem(CLOSED, '1');
      return !!sessionStorage.getItem(CLOSED);
    } catch (e) {
      return false;
    }
  };
  const remember = (id, secret) => {
    try {
      localStorage.setItem(STORE, id);
      if (secret) localStorage.setItem(SECRET, secret);
    } catch (e) {}
  };
  const hint = known(script.dataset.lang) || known(d.documentElement.lang) || known(navigator.language);
  const S = { lang: hint || 'es', sid: null, secret: stored(SECRET), token: null, cfg: null, open: false, loaded: false, busy: false };
  let t = words(S.lang);
  let parse = (text) => ({ text });
  let renewTimer;
  const seen = new Set();
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const uuid = () =>
    crypto.randomUUID
      ? crypto.randomUUID()
      : '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) =>
          (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16));

  // --- the frame, drawn before the session answer arrives -------------------------------------
  const host = h('div', { id: 'ebanista-widget' });
  const shadow = host.attachShadow({ mode: 'open' });
  const look = new CSSStyleSheet();
  const colours = new CSSStyleSheet();
  look.replaceSync(CSS);
  colours.replaceSync(theme());
  shadow.adoptedStyleSheets = [look, colours];
  const ui = frame({ toggle: () => (S.open ? close(true) : open()), open: () => open(), close: () => close(true), language: setLanguage, submit });
  shadow.append(ui.root);
  const mount = () => d.body.append(host);
  if (d.body) mount();
  else d.addEventListener('DOMContentLoaded', mount);

  const note = (text) => (ui.status.textContent = text || '');
  const typing = (on) => {
    ui.typing.hidden = !on;
    ui.typing.lastChild.textContent = on ? t('typing') : '';
    if (on) scroll();
  };
  const scroll = () => (ui.body.scrollTop = ui.body.scrollHeight);
  const say = (role, text, files) => {
    const el = h('div', { 'data-role': role, part: 'message ' + role, class: 'msg ' + (role === 'visitor' ? 'visitor' : 'bot'), text });
    if (files && files.length) el.append(h('div', { class: 'files', part: 'files' }, ...files.map(shown)));
    ui.log.append(el);
    scroll();
    return el;
  };
  // A file as the visitor sees it: a photo's thumbnail (its name as the alternative text) or a
  // plan's name; each opens the file. A link without its URL (an ended conversation) is just the name.
  const shown = (f) => {
    const thumb = f.thumbnail_url && h('img', { src: absolute(f.thumbnail_url), alt: f.name, part: 'thumb', loading: 'lazy' });
    const label = thumb || h('span', { text: '📎 ' + f.name });
    if (!f.url) return h('span', { class: 'file', part: 'file', title: f.name }, label);
    return h('a', { class: 'file', part: 'file', href: absolute(f.url), target: '_blank', rel: 'noopener', title: f.name }, label);
  };

  function words_() {
    t = words(S.lang);
    ui.panel.setAttribute('lang', S.lang);
    ui.input.placeholder = t('write');
    ui.send.textContent = t('send');
    ui.close.setAttribute('aria-label', t('close'));
    ui.language.setAttribute('aria-label', t('language'));
    ui.language.value = S.lang;
    const name = (S.cfg && S.cfg.store_name) || '';
    ui.launcher.setAttribute('aria-label', name ? `${t('chat')}: ${name}` : t('chat'));
    ui.panel.setAttribute('aria-label', name || t('chat'));
  }
  words_();

  function configure(cfg) {
    S.cfg = cfg;
    colours.replaceSync(theme(cfg.colors));
    ui.root.className = 'w' + (cfg.position === 'left' ? ' left' : '');
    ui.title.textContent = cfg.store_name || '';
    if (cfg.logo_url) {
      ui.logo.src = cfg.logo_url;
      ui.logo.hidden = false;
    }
    const langs = (cfg.languages || []).filter((l) => NAMES[l]);
    ui.language.replaceChildren(...langs.map((l) => h('option', { value: l, text: NAMES[l] })));
    ui.language.hidden = langs.length < 2;
    S.lang = known(cfg.language) || S.lang;
    ui.greeting.textContent = cfg.greeting || '';
    ui.greeting.hidden = !cfg.greeting || S.open;
    words_();
  }

  // --- the session: a token for one conversation, renewed before it expires --------------------
  function accept(data) {
    const changed = S.sid && S.sid !== data.session_id;
    S.token = data.token;
    S.sid = data.session_id;
    if (data.session_secret) S.secret = data.session_secret;
    remember(S.sid, data.session_secret);
    clearTimeout(renewTimer);
    renewTimer = setTimeout(renew, Math.max(30, (data.expires_in || 3600) - 120) * 1000);
    if (changed) {
      // The old conversation is gone (expired): begin the new one.
      S.loaded = false;
      if (S.open) load();
    }
  }

  async function renew() {
    const r = await call('POST', '/v1/widget/session', { widget_key: KEY, session_id: S.sid, session_secret: S.secret || undefined, lang: S.lang });
    if (r.data) accept(r.data);
    return !!r.data;
  }

  // A finished conversation offers a new one: a session opened without the old id begins afresh.
  async function restart() {
    if (S.busy) return;
    S.busy = true;
    const r = await call('POST', '/v1/widget/session', { widget_key: KEY, lang: S.lang });
    S.busy = false;
    if (r.error) return note(r.error.message || t('notSent'));
    S.resumed = false;
    S.chosen = S.lang;
    accept(r.data); // a new id: it begins the new conversation
  }

  const ready = (async () => {
    const body = { widget_key: KEY, session_id: remembered || undefined, session_secret: (remembered && S.secret) || undefined, lang: hint || undefined };
    let r = await call('POST', '/v1/widget/session', body);
    if (r.error && !r.error.status) r = await sleep(1500).then(() => call('POST', '/v1/widget/session', body));
    const e = r.error;
    if (e && e.status === 503) {
      S.down = e.message || e.code;
      // Closed for maintenance: the store's name and colours still frame its message.
      if (e.details.config) configure(e.details.config);
      return;
    }
    if (e) {
      // Not allowed here (403), unknown key (404), or unreachable: show nothing at all.
      host.remove();
      S.dead = true;
      warn(e.status ? `${e.code}: ${e.message}` : 'the chat server could not be reached or refused this page');
      return;
    }
    S.resumed = !!remembered && remembered === r.data.session_id;
    accept(r.data);
    configure(r.data.config || {});
    const cfg = r.data.config || {};
    // The store may open the chat by itself, once per visit: never again after the visitor closed it.
    if (cfg.open_on_load && !closedHere()) setTimeout(() => open(true), (cfg.open_delay_seconds || 0) * 1000);
  })();

  // --- talking to the conversation -------------------------------------------------------------
  // Retries network errors and 5xx with the same Idempotency-Key (0.5 s, 1 s, 2 s … ≈ 30 s in all)
  // and renews an expired token once. A 429 is said at once: its block lasts minutes, not seconds.
  async function talk(method, path, body, key) {
    let wait = 500;
    let renewed = false;
    for (;;) {
      const r = await call(method, path, body && { ...body, session_id: S.sid }, S.token, key);
      const e = r.error;
      if (!e) return note(''), r;
      if (e.status === 401 && !renewed) {
        renewed = true;
        const before = S.sid;
        if (await renew()) {
          // An ended conversation was replaced by a new one (accept() begins it): nothing to resend.
          if (S.sid !== before) return { error: { code: 'restarted' } };
          continue;
        }
      } else if ((!e.status || e.status >= 500) && e.code !== 'store_unavailable' && e.code !== 'maintenance' && wait <= 16000) {
        note(t('reconnecting'));
        await sleep(wait);
        wait *= 2;
        continue;
      }
      if (e.code === 'maintenance') {
        note('');
        say('bot', e.message);
        ui.composer.hidden = true;
        ui.choices.replaceChildren();
      } else note(e.message || t('notSent'));
      return r;
    }
  }

  function show(answer, whole) {
    if (whole) {
      ui.log.replaceChildren();
      seen.clear();
    }
    for (const m of answer.messages || []) {
      if (seen.has(m.id)) continue;
      seen.add(m.id);
      // A restored visitor turn may have no text (a skip, a number) or be a raw slot time.
      const files = m.attachments || [];
      if (m.text || files.length) say(m.role, m.text && ISO.test(m.text) ? slotLabel(m.text, answer.language) : m.text || '', files);
    }
    if (known(answer.language) && answer.language !== S.lang) {
      S.lang = answer.language;
      words_();
    }
    const lost = !shadow.activeElement || ui.choices.contains(shadow.activeElement);
    const spec = answer.input;
    parse = renderInput(spec, ui, { t, lang: S.lang, send, note, upload: attach });
    const over = !spec && answer.status === 'completed';
    ui.composer.hidden = over;
    // Booked, completed or refused: the way forward is a new conversation, also after a reload.
    if (over) ui.choices.append(h('button', { type: 'button', class: 'opt restart', part: 'restart', text: t('restart'), onclick: restart }));
    // The new choices take room from the log: keep its newest message in view.
    scroll();
    if (S.open && lost && !S.quiet) focusFirst();
  }

  function focusFirst() {
    const first = ui.choices.querySelector('button');
    const target = first && first.part.value !== 'skip' && !ui.choices.querySelector('input[type=range]') ? first : ui.input;
    if (!ui.composer.hidden || target !== ui.input) target.focus();
    else ui.close.focus();
  }

  async function load() {
    S.loaded = true;
    typing(true);
    let r = S.resumed ? await talk('GET', '/v1/chat/' + encodeURIComponent(S.sid)) : null;
    const fresh = r && r.data && !(r.data.messages || []).length && !r.data.input && r.data.status !== 'completed';
    if (!r || r.error || fresh) r = await talk('POST', '/v1/chat/start', { lang: S.chosen });
    typing(false);
    if (r.error) S.loaded = false;
    else show(r.data, true);
    if (S.open && !S.quiet) focusFirst();
  }

  async function send(body, label, fromBox, files) {
    if (S.busy || !S.loaded) return false;
    S.busy = true;
    S.quiet = false; // the visitor is talking now: follow the conversation with the focus
    const mine = label != null ? say('visitor', files ? '' : label, files) : null;
    typing(true);
    const r = await talk('POST', '/v1/chat/send', body, uuid());
    typing(false);
    S.busy = false;
    if (r.error) {
      if (mine) mine.dataset.state = 'failed';
      return false;
    }
    if (fromBox) ui.input.value = '';
    show(r.data);
    return true;
  }

  function submit(e) {
    e.preventDefault();
    const text = ui.input.value.trim();
    // Too long to send: say the limit and keep the text, for the visitor to shorten it.
    if (text.length > MAX_TEXT) return note(t('tooLong', MAX_TEXT));
    if (text && !S.busy) send(parse(text), text, true);
  }

  // Uploads the chosen files one after the other (with their progress), then answers the media
  // question with all of them; a refused file stops the rest and says why.
  async function attach(files) {
    if (S.busy) return;
    S.busy = true;
    const path = `/v1/chat/${encodeURIComponent(S.sid)}/attachments`;
    const kept = [];
    for (const [i, file] of files.entries()) {
      const progress = (p) => note(`${t('uploading')} ${files.length > 1 ? `${i + 1}/${files.length} ` : ''}${Math.round(p * 100)}%`);
      progress(0);
      let r = await upload(path, S.token, file, progress);
      if (r.error && r.error.status === 401 && (await renew())) r = await upload(path, S.token, file, progress);
      if (r.error) {
        S.busy = false;
        return note(r.error.message || t('notSent'));
      }
      kept.push(r.data);
    }
    S.busy = false;
    note('');
    send({ value: kept.map((f) => f.id) }, kept.map((f) => f.name).join(', '), false, kept);
  }

  async function setLanguage(lang) {
    await ready;
    lang = known(lang);
    if (!lang || (S.cfg && !(S.cfg.languages || []).includes(lang))) return;
    S.chosen = lang;
    if (S.loaded && S.sid) {
      if (await send({ lang })) return;
    }
    S.lang = lang;
    words_();
  }

  // --- open and close --------------------------------------------------------------------------
  // ``quiet``: opened by the store's setting, not by the visitor, so the page keeps its focus.
  async function open(quiet) {
    await ready;
    if (S.dead || S.open) return;
    S.open = true;
    S.quiet = !!quiet;
    ui.panel.hidden = false;
    ui.greeting.hidden = true;
    ui.launcher.setAttribute('aria-expanded', 'true');
    if (S.down) {
      // The store's own words (maintenance, closed): a message from the store, not an error line.
      if (!ui.log.childElementCount) say('bot', S.down);
      ui.composer.hidden = true;
      ui.close.focus();
    } else if (!S.loaded) load();
    else focusFirst();
  }

  function close(refocus) {
    if (!S.open) return;
    S.open = false;
    S.quiet = false;
    closedHere(true);
    ui.panel.hidden = true;
    ui.launcher.setAttribute('aria-expanded', 'false');
    if (refocus || shadow.activeElement) ui.launcher.focus();
  }

  // --- the command queue ----------------------------------------------------------------------
  const commands = { open, close: () => close(false), setLanguage };
  const run = (args) => {
    const [name, ...rest] = args;
    if (commands[name]) commands[name](...rest);
    else warn('unknown command ' + name);
  };
  const queued = (w.Ebanista && w.Ebanista.q) || [];
  w.Ebanista = (...args) => run(args);
  for (const args of queued) run(Array.from(args));
}
