// Files: the bytes go straight to the presigned URL(s) from POST /v1/files/initiate (one PUT, or
// one per part above Files:MultipartThreshold), with progress; then POST /v1/files/complete.
import { get, post } from './api.js';

const hex = buffer => [...new Uint8Array(buffer)].map(b => b.toString(16).padStart(2, '0')).join('');

/** PUT with upload progress (fetch reports none); resolves with the answer's ETag. */
function put(url, body, headers, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('PUT', url);
    for (const [name, value] of Object.entries(headers ?? {})) {
      // The browser sets these itself and refuses to be told.
      if (!['content-length', 'host'].includes(name.toLowerCase())) request.setRequestHeader(name, value);
    }
    request.upload.onprogress = event => onProgress(event.loaded);
    request.onload = () => request.status >= 200 && request.status < 300
      ? resolve(request.getResponseHeader('ETag'))
      : reject(new Error(`The file store refused the upload (HTTP ${request.status}).`));
    request.onerror = () => reject(new TypeError('The upload was cut off: the network is down.'));
    request.send(body);
  });
}

/**
 * Uploads a file and returns its file_id once completed. onProgress gets a fraction from 0 to 1.
 * The SHA-256 is declared up front (the store checks it), so the file is read once to hash it.
 */
export async function upload(file, onProgress) {
  const sha256 = hex(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
  const started = await post('/v1/files/initiate', {
    filename: file.name, content_type: file.type || 'application/octet-stream', size: file.size, sha256,
  });
  if (started.upload_url) {
    await put(started.upload_url, file, started.headers, loaded => onProgress(loaded / file.size));
    onProgress(1);
    await post('/v1/files/complete', { file_id: started.file_id });
    return started.file_id;
  }
  const sent = new Array(started.parts.length).fill(0);
  const parts = [];
  for (const [index, part] of started.parts.entries()) {
    const slice = file.slice(index * started.part_size, (index + 1) * started.part_size);
    const etag = await put(part.url, slice, {}, loaded => {
      sent[index] = loaded;
      onProgress(sent.reduce((a, b) => a + b, 0) / file.size);
    });
    parts.push({ part_number: part.part_number, etag });
  }
  onProgress(1);
  await post('/v1/files/complete', { file_id: started.file_id, parts });
  return started.file_id;
}

const downloads = new Map();

/** The file's metadata with a download_url (signed for an hour: asked again after that). */
export function fileInfo(fileId) {
  const known = downloads.get(fileId);
  if (known && new Date(known.download_expires_at ?? 0) > new Date(Date.now() + 60_000)) return Promise.resolve(known);
  return get(`/v1/files/${encodeURIComponent(fileId)}`).then(info => { downloads.set(fileId, info); return info; });
}

/** Forgets the file's metadata (a file.updated frame: its thumbnail is there now). */
export function forget(fileId) {
  downloads.delete(fileId);
}

/**
 * Downloads the file and saves it only if its bytes have the SHA-256 the server says it serves
 * (`sha256`: after metadata stripping, not the uploaded `original_sha256`); otherwise throws.
 */
export async function save(info, name) {
  const response = await fetch(info.download_url);
  if (!response.ok) throw new Error(`The file store answered HTTP ${response.status}.`);
  const bytes = await response.arrayBuffer();
  if (hex(await crypto.subtle.digest('SHA-256', bytes)) !== info.sha256) {
    throw new Error('The downloaded bytes are not the file that was sent (SHA-256 differs); nothing was saved.');
  }
  const url = URL.createObjectURL(new Blob([bytes], { type: info.content_type }));
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
