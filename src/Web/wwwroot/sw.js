// The service worker: shows the server's pushes (docs/api.md, "Push") as notifications, one per
// conversation (a newer one replaces the last), and opens that conversation when clicked.
// At the site's root so its scope is the whole client.

self.addEventListener('push', event => {
  const push = event.data ? event.data.json() : {};
  const title = push.count ? `${push.count + 1} new messages` : `New message from ${push.from ?? 'someone'}`;
  const body = push.preview ?? (push.count ? `The newest from ${push.from}` : 'Open Chat to read it.');
  event.waitUntil(self.registration.showNotification(title, {
    body,
    tag: push.conversation_id, // one notification per conversation
    renotify: true,
    icon: '/client/icon.svg',
    data: { conversationId: push.conversation_id, messageId: push.message_id },
  }));
});

self.addEventListener('notificationclick', event => {
  event.notification.close();
  const { conversationId } = event.notification.data ?? {};
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const open = windows[0];
    if (open) {
      await open.focus();
      open.postMessage({ type: 'open-conversation', conversationId });
    } else {
      await self.clients.openWindow(`/?conversation=${encodeURIComponent(conversationId ?? '')}`);
    }
  })());
});
