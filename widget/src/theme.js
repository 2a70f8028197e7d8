// Store colours: validated (they go into CSS) and a text colour readable on the primary (WCAG 2.x).
const HEX = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;

const rgb = (hex) => {
  let h = hex.slice(1);
  if (h.length === 3) h = h.replace(/./g, '$&$&');
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16) / 255);
};

const luminance = (hex) => {
  const [r, g, b] = rgb(hex).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};

export const contrast = (a, b) => {
  const [x, y] = [luminance(a), luminance(b)].sort((m, n) => n - m);
  return (x + 0.05) / (y + 0.05);
};

export function theme(colors) {
  const c = colors || {};
  const p = HEX.test(c.primary) ? c.primary : '#0f766e';
  let t = HEX.test(c.text) ? c.text : '';
  if (!t || contrast(p, t) < 4.5) t = contrast(p, '#000000') >= contrast(p, '#ffffff') ? '#000000' : '#ffffff';
  return `:host{--p:${p};--t:${t}}`;
}
