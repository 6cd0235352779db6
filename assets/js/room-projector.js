// Projector page: swaps in the new room QR code before the old one expires, shows the live count, and shows why
// instead of the code while check-in is not open.
(function () {
  const root = document.getElementById('room');
  if (!root) return;
  const url = root.dataset.codeUrl;
  async function refresh() {
    let wait = 5000;
    try {
      const response = await fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store' });
      if (response.ok) {
        const data = await response.json();
        document.getElementById('room-qr').innerHTML = data.svg;
        // Not open yet, or over: the reason instead of a code that phones would refuse.
        const notice = document.getElementById('room-notice');
        notice.textContent = data.notice || '';
        notice.hidden = !data.notice;
        document.getElementById('room-code').hidden = Boolean(data.notice);
        document.getElementById('room-attended').textContent = String(data.attended);
        document.getElementById('room-invited').textContent = String(data.invited);
        wait = Math.max(1000, data.expiresAt - Date.now() + 300);
      }
    } catch {
      // The network dropped: try again shortly; the last code stays valid for one more step.
    }
    setTimeout(refresh, wait);
  }
  refresh();
})();
