// The WebSocket: opened with a one-use ticket (POST /v1/ws/ticket), never the access token in the
// URL; reopened after any loss with exponential backoff and jitter, at once when the browser says
// it is online again. Frames go to onFrame; onOpen runs after each (re)connect (sync, outbox).
import { post } from './api.js';

const MAX_DELAY_MS = 15_000;
const PING_MS = 25_000; // well inside Presence:IdleTimeout

export function connectSocket({ onFrame, onOpen, onState }) {
  let socket = null;
  let attempt = 0;
  let retryTimer = null;
  let pingTimer = null;
  let stopped = false;
  let connecting = false;

  async function connect() {
    if (stopped || connecting || socket) return;
    connecting = true;
    clearTimeout(retryTimer);
    try {
      const { ticket } = await post('/v1/ws/ticket');
      const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
      const opened = new WebSocket(`${scheme}://${location.host}/v1/ws?ticket=${encodeURIComponent(ticket)}`);
      socket = opened;
      opened.onopen = () => {
        attempt = 0;
        onState(true);
        pingTimer = setInterval(() => send({ type: 'ping' }), PING_MS);
        onOpen();
      };
      opened.onmessage = event => onFrame(JSON.parse(event.data));
      opened.onclose = () => {
        if (socket === opened) socket = null;
        clearInterval(pingTimer);
        onState(false);
        retry();
      };
    } catch {
      retry();
    } finally {
      connecting = false;
    }
  }

  function retry() {
    if (stopped) return;
    clearTimeout(retryTimer);
    // Full jitter on an exponential ceiling: clients dropped together do not return together.
    const ceiling = Math.min(MAX_DELAY_MS, 500 * 2 ** attempt++);
    retryTimer = setTimeout(connect, ceiling / 2 + Math.random() * ceiling / 2);
  }

  function send(frame) {
    if (socket?.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  const online = () => { attempt = 0; if (!socket) connect(); };
  window.addEventListener('online', online);
  connect();

  return {
    send,
    isOpen: () => socket?.readyState === WebSocket.OPEN,
    close() {
      stopped = true;
      clearTimeout(retryTimer);
      clearInterval(pingTimer);
      window.removeEventListener('online', online);
      socket?.close(1000, 'signed out');
    },
  };
}
