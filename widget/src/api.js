// The widget's only network calls. Both resolve to {data} or {error: {status, code, message}}
// and never throw: status 0 means the network failed (or the browser refused the answer).
let base = '';

export const setBase = (origin) => {
  base = origin;
};

// The server's links (a file's signed URL) are paths on the API's origin, not the page's.
export const absolute = (path) => base + path;

const failure = (status, body) => ({
  error: {
    status,
    code: (body && body.error && body.error.code) || (status ? 'http_' + status : 'network'),
    message: (body && body.error && body.error.message) || '',
    details: (body && body.error && body.error.details) || {},
  },
});

export async function call(method, path, body, token, key) {
  const headers = {};
  if (body) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = 'Bearer ' + token;
  if (key) headers['Idempotency-Key'] = key;
  try {
    const r = await fetch(base + path, {
      method,
      headers,
      body: body ? JSON.stringify(body) : undefined,
      credentials: 'omit',
      // A same-origin GET carries no Origin header: the Referer (the page's origin only) names the
      // page instead, whatever referrer policy the page itself has (docs/security.md).
      referrerPolicy: 'strict-origin',
    });
    const json = await r.json().catch(() => null);
    return r.ok ? { data: json } : failure(r.status, json);
  } catch (e) {
    return failure(0, null);
  }
}

export function upload(path, token, file, onProgress) {
  return new Promise((resolve) => {
    const x = new XMLHttpRequest();
    const form = new FormData();
    form.append('file', file);
    x.open('POST', base + path);
    x.setRequestHeader('Authorization', 'Bearer ' + token);
    x.upload.addEventListener('progress', (e) => e.lengthComputable && onProgress(e.loaded / e.total));
    x.addEventListener('load', () => {
      let json = null;
      try {
        json = JSON.parse(x.responseText);
      } catch (e) {}
      resolve(x.status >= 200 && x.status < 300 ? { data: json } : failure(x.status, json));
    });
    x.addEventListener('error', () => resolve(failure(0, null)));
    x.addEventListener('abort', () => resolve(failure(0, null)));
    x.send(form);
  });
}
