// Offline notifications (Web Push): the service worker, and the topbar switch that subscribes this
// browser and registers it as a device of the session (PUT /v1/devices/{id}); signing out of the
// session removes the device on the server.
import { api, get } from './api.js';
import { announce } from './dom.js';

const DEVICE_KEY = 'chat.push-device';

export const pushSupported = () => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

/** This browser's device id: one per browser profile, kept across sessions. */
function deviceId() {
  let id = localStorage.getItem(DEVICE_KEY);
  if (!id) { id = `web-${crypto.randomUUID()}`; localStorage.setItem(DEVICE_KEY, id); }
  return id;
}

let registration = null;

export async function registerWorker() {
  if (!pushSupported()) return null;
  registration ??= await navigator.serviceWorker.register('/sw.js', { type: 'classic' });
  return registration;
}

/** Whether this browser is registered for the signed-in user's session. */
export async function isOn() {
  if (!pushSupported() || Notification.permission !== 'granted') return false;
  const devices = await get('/v1/devices');
  return devices.items.some(d => d.device_id === deviceId());
}

function urlBase64ToBytes(text) {
  const base64 = (text + '='.repeat((4 - text.length % 4) % 4)).replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(base64), c => c.charCodeAt(0));
}

export async function turnOn() {
  if (await Notification.requestPermission() !== 'granted')
    throw new Error('The browser does not allow notifications for this site; allow them in its site settings, then try again.');
  const worker = await registerWorker();
  await navigator.serviceWorker.ready;
  const { public_key } = await get('/v1/push/vapid-public-key');
  let subscription = await worker.pushManager.getSubscription();
  // A subscription made for another server key cannot be used: make a new one.
  if (subscription && subscription.options?.applicationServerKey
      && btoa(String.fromCharCode(...new Uint8Array(subscription.options.applicationServerKey))) !== btoa(String.fromCharCode(...urlBase64ToBytes(public_key)))) {
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await worker.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: urlBase64ToBytes(public_key) });
  const { endpoint, keys } = subscription.toJSON();
  await api('PUT', `/v1/devices/${encodeURIComponent(deviceId())}`, { platform: 'webpush', subscription: { endpoint, keys } });
}

export async function turnOff() {
  await api('DELETE', `/v1/devices/${encodeURIComponent(deviceId())}`).catch(error => { if (error.status !== 404) throw error; });
  const subscription = await (await registerWorker())?.pushManager.getSubscription();
  await subscription?.unsubscribe();
}

/** The topbar's switch: a toggle button that says what it does, with a status line for failures. */
export function notificationSwitch() {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'notifications-switch';
  button.hidden = true;
  const problem = document.createElement('span');
  problem.className = 'notifications-problem';
  problem.setAttribute('role', 'alert');
  const show = on => {
    button.setAttribute('aria-pressed', String(on));
    button.textContent = on ? 'Notifications on' : 'Turn on notifications';
    button.hidden = false;
  };
  button.addEventListener('click', async () => {
    const on = button.getAttribute('aria-pressed') === 'true';
    button.disabled = true;
    problem.textContent = '';
    try {
      if (on) await turnOff(); else await turnOn();
      show(!on);
      announce(on ? 'Notifications turned off' : 'Notifications turned on: you will hear of messages while Chat is closed');
    } catch (error) {
      problem.textContent = `Could not turn notifications ${on ? 'off' : 'on'}: ${error.message}`;
    } finally {
      button.disabled = false;
    }
  });
  if (pushSupported()) registerWorker().then(() => isOn()).then(show, () => show(false));
  return [button, problem];
}

/** Calls back with the conversation a clicked notification names. */
export function onNotificationOpened(open) {
  if (!pushSupported()) return;
  navigator.serviceWorker.addEventListener('message', event => {
    if (event.data?.type === 'open-conversation' && event.data.conversationId) open(event.data.conversationId);
  });
  const asked = new URLSearchParams(location.search).get('conversation');
  if (asked) { history.replaceState(null, '', '/'); open(asked); }
}
