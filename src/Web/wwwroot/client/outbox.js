// Messages written but not yet accepted by the server, kept in IndexedDB so that a reload or a
// lost network loses none. Each keeps its message_id: sending it again can never make two.

const DB_NAME = 'chat-outbox';
let database;

function db() {
  database ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore('messages', { keyPath: 'message_id' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return database;
}

async function run(mode, work) {
  const store = (await db()).transaction('messages', mode).objectStore('messages');
  return new Promise((resolve, reject) => {
    const request = work(store);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export const put = message => run('readwrite', store => store.put({ ...message, queued_at: message.queued_at ?? Date.now() }));
export const remove = messageId => run('readwrite', store => store.delete(messageId));

/** This user's waiting messages, oldest first. */
export async function pendingFor(username) {
  const all = await run('readonly', store => store.getAll());
  return all.filter(m => m.from === username).sort((a, b) => a.queued_at - b.queued_at);
}
