// Live board: listens to the session's server-sent events and redraws the counts.
(function () {
  const root = document.getElementById('live');
  if (!root || !window.EventSource) return;
  const state = document.getElementById('live-state');
  const text = (id, value) => {
    const el = document.getElementById(id);
    if (el) el.textContent = String(value);
  };
  function rows(target, items, render) {
    const el = document.getElementById(target);
    el.replaceChildren(...items.map(render));
  }
  const source = new EventSource(root.dataset.eventsUrl);
  source.onmessage = (event) => {
    const data = JSON.parse(event.data);
    text('live-attended', data.attended);
    text('live-invited', data.invited);
    text('live-late', data.late);
    text('live-excused', data.excused);
    text('live-review', data.needsReview);
    rows('live-units', data.units, (u) => {
      const tr = document.createElement('tr');
      const name = document.createElement('td');
      name.textContent = u.unit;
      const count = document.createElement('td');
      count.textContent = `${u.attended} / ${u.invited}`;
      tr.append(name, count);
      return tr;
    });
    rows('live-recent', data.recent, (r) => {
      const li = document.createElement('li');
      li.textContent = `${r.at} — ${r.name} (${r.unit})${r.needsReview ? ' · chờ xác nhận' : ''}`;
      return li;
    });
    state.textContent = `Cập nhật lúc ${new Date().toLocaleTimeString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' })}.`;
  };
  source.onerror = () => {
    state.textContent = 'Mất kết nối, đang thử lại…';
  };
})();
