// The whole look, adopted as a constructable stylesheet (no <style>, nothing inline).
// --p / --t are the store's primary colour and the text colour picked for it (see theme.js).
export const CSS = `
:host{all:initial}
*{box-sizing:border-box;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:15px;line-height:1.4}
[hidden]{display:none!important}
button,input,select{font:inherit;color:inherit;margin:0}
button{cursor:pointer}
:focus-visible{outline:3px solid #2563eb;outline-offset:2px}
.header :focus-visible{outline-color:currentColor}
.launcher{position:fixed;bottom:20px;right:20px;z-index:2147483000;width:60px;height:60px;border-radius:50%;border:0;padding:0;display:flex;align-items:center;justify-content:center;overflow:hidden;background:var(--p);color:var(--t);box-shadow:0 4px 14px rgba(0,0,0,.25)}
.launcher svg{width:28px;height:28px;fill:currentColor}
.launcher img{width:100%;height:100%;object-fit:cover}
.greeting{position:fixed;bottom:92px;right:20px;z-index:2147483000;max-width:260px;padding:10px 14px;border-radius:14px 14px 4px 14px;background:#fff;color:#111;box-shadow:0 4px 14px rgba(0,0,0,.18);cursor:pointer;white-space:pre-wrap}
.panel{position:fixed;bottom:92px;right:20px;z-index:2147483001;width:380px;height:600px;max-height:calc(100vh - 112px);display:flex;flex-direction:column;background:#fff;color:#111;border-radius:14px;overflow:hidden;box-shadow:0 8px 30px rgba(0,0,0,.25)}
.left .launcher,.left .greeting,.left .panel{right:auto;left:20px}
.left .greeting{border-radius:14px 14px 14px 4px}
.header{display:flex;align-items:center;gap:8px;padding:10px 12px;background:var(--p);color:var(--t)}
.header img{width:32px;height:32px;border-radius:50%;object-fit:cover;background:#fff}
.title{flex:1;font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.header select{background:transparent;color:inherit;border:1px solid currentColor;border-radius:6px;padding:2px 4px;font-size:13px}
.header option{color:#111;background:#fff}
.close{background:transparent;border:0;width:32px;height:32px;font-size:22px;line-height:1;border-radius:6px}
.body{flex:1;overflow-y:auto;padding:12px;background:#f6f7f8}
.log{display:flex;flex-direction:column;gap:8px}
.msg{max-width:85%;padding:8px 12px;border-radius:14px;white-space:pre-wrap;overflow-wrap:anywhere}
.msg.bot{align-self:flex-start;background:#fff;color:#111;border:1px solid #e3e5e8;border-bottom-left-radius:4px}
.msg.visitor{align-self:flex-end;background:var(--p);color:var(--t);border-bottom-right-radius:4px}
.msg[data-state=failed]{opacity:.6}
.files{display:flex;flex-wrap:wrap;gap:6px}
.file{color:inherit}
.file img{display:block;width:96px;height:96px;object-fit:cover;border-radius:8px;background:#fff}
.typing{display:flex;gap:4px;padding:10px 4px}
.typing span{width:7px;height:7px;border-radius:50%;background:#9aa0a6;animation:b 1s infinite}
.typing span:nth-child(2){animation-delay:.15s}
.typing span:nth-child(3){animation-delay:.3s}
@keyframes b{50%{opacity:.3;transform:translateY(-3px)}}
@media (prefers-reduced-motion:reduce){.typing span{animation:none}}
.status{padding:4px 12px;font-size:13px;color:#8a1c1c}
.status:empty{display:none}
.choices{display:flex;flex-wrap:wrap;gap:6px;padding:8px 12px 0}
.choices:empty{display:none}
.opt{border:1px solid var(--p);background:#fff;color:#111;border-radius:16px;padding:6px 12px;text-align:left}
.opt:hover{background:#f0f2f4}
.slider{flex:1 1 100%}
.range{width:100%;margin:0;accent-color:var(--p)}
.range.unset{opacity:.5}
.scale{display:flex;justify-content:space-between;align-items:baseline;gap:8px;font-size:13px;color:#555}
.picked{font-weight:600;color:#111}
.restart{background:var(--p);color:var(--t);font-weight:600;margin-bottom:12px}
.restart:hover{background:var(--p);filter:brightness(1.1)}
.composer{display:flex;gap:6px;padding:8px 12px 12px}
.composer input{flex:1;min-width:0;border:1px solid #c4c8cc;border-radius:8px;padding:8px 10px;background:#fff;color:#111}
.send{border:0;border-radius:8px;padding:8px 14px;background:var(--p);color:var(--t);font-weight:600}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:600px){.panel{inset:0;width:auto;height:auto;max-height:none;border-radius:0}}
`;
