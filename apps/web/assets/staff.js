// Staff pages: live queue updates. Without JavaScript the queue is as fresh as its last load.
// /staff/events is a Server-Sent Events stream of changes to the force's reports; on a change the
// queue page is fetched again (with its filters) and its counts and table are swapped in place,
// keeping focus where it was and telling screen reader users that the queue was updated.

const live = document.querySelector('[data-staff-live]');
const REGIONS = ['queue-counts', 'queue-results'];

/** Something in `region` that stands for `element` after the swap: same id, same link, or same position. */
function counterpart(region, element, fresh) {
  if (element.id) return fresh.querySelector(`#${CSS.escape(element.id)}`);
  const href = element.getAttribute('href');
  if (href) return [...fresh.querySelectorAll('a[href]')].find((link) => link.getAttribute('href') === href) ?? null;
  const index = [...region.querySelectorAll(element.tagName)].indexOf(element);
  return fresh.querySelectorAll(element.tagName)[index] ?? null;
}

if (live && 'EventSource' in window) {
  const announcer = document.getElementById('queue-live');
  const updatedText = live.getAttribute('data-updated-text') || 'Queue updated';
  let timer = null;
  let busy = false;
  let again = false;

  const refresh = async () => {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      // The same address, so filters and page are kept; the header says no person did anything.
      const response = await fetch(window.location.href, { headers: { 'x-staff-live': '1' }, credentials: 'same-origin', cache: 'no-store' });
      const address = new URL(response.url);
      if (!address.pathname.startsWith('/staff/queue')) {
        // Signed out (the session ended): show that page rather than a stale queue.
        window.location.assign(response.url);
        return;
      }
      if (!response.ok) return;
      const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
      for (const id of REGIONS) {
        const region = document.getElementById(id);
        const replacement = fresh.getElementById(id);
        if (!region || !replacement) continue;
        const focused = region.contains(document.activeElement) ? document.activeElement : null;
        const target = focused ? counterpart(region, focused, replacement) : null;
        region.replaceChildren(...replacement.childNodes);
        if (focused) {
          if (target) target.focus();
          else {
            region.setAttribute('tabindex', '-1');
            region.focus();
          }
        }
      }
      if (announcer) {
        announcer.textContent = '';
        window.setTimeout(() => {
          announcer.textContent = updatedText;
        }, 50);
      }
    } catch {
      // Offline for a moment: the next change tries again.
    } finally {
      busy = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  };

  // A burst of changes (a report submitted and routed) becomes one refresh.
  const schedule = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 300);
  };

  const source = new EventSource('/staff/events');
  let connectedBefore = false;
  // After a reconnect, changes may have been missed while disconnected: refresh once.
  source.addEventListener('ready', () => {
    if (connectedBefore) schedule();
    connectedBefore = true;
  });
  source.addEventListener('message', schedule);
  // The server refused the stream (the session ended): the page's own request then shows why.
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) refresh();
  });
  window.addEventListener('pagehide', () => source.close());
}
