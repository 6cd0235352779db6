// Door scanner: reads personal QR codes with the camera (the native BarcodeDetector, else jsQR served from our
// own origin) and from USB scanners typing into the code field, checks people in through the JSON API, and shows
// each result as a big coloured card, with a tone and a vibration, ready for the next person at once.
(function () {
  const root = document.getElementById('door-scanner');
  const layout = document.getElementById('door-layout');
  const form = document.getElementById('scan-form');
  const slot = document.getElementById('scan-result-slot');
  if (!root || !layout || !form || !slot) return;
  const input = form.elements.namedItem('code');
  const csrf = form.elements.namedItem('_csrf').value;
  // The door pass the page was given: scans go with it instead of the session cookie and the CSRF token (the
  // server skips the cookie session for them). Without one, the cookie and the token as for any form.
  const doorPass = root.dataset.doorPass || '';
  const api = form.getAttribute('action');
  const video = document.getElementById('scan-video');
  const viewfinder = document.getElementById('scan-viewfinder');
  const toggle = document.getElementById('scan-camera-toggle');
  const stateLine = document.getElementById('scan-state');

  /** The same code seen again within this time (held still in front of the camera) is ignored. */
  const REPEAT_MS = 3000;
  /** How often a video frame is decoded: a few times a second is quick enough and spares a phone's battery. */
  const FRAME_MS = 200;
  /** Frames are decoded at most this many pixels on their long side: enough for a code at arm's length, cheap for jsQR. */
  const DECODE_SIZE = 640;
  /** Waits before resending a scan after a network error (same nonce, so the server acts once). */
  const RETRY_MS = [1000, 2000, 4000];
  /** A request hanging on a weak connection counts as lost after this long, and is resent. */
  const REQUEST_TIMEOUT_MS = 10000;
  const STALE_MS = 20000;
  const CAMERA_OFF_KEY = 'door-camera-off';

  const READY_TEXT = 'Bấm “Bật camera” rồi đưa mã QR trên giấy mời hoặc điện thoại vào khung hình.';
  const LIVE_TEXT = 'Đang quét — đưa mã QR vào khung hình.';

  root.hidden = false;
  layout.classList.add('has-camera');
  slot.setAttribute('aria-live', 'assertive');
  /** What the camera is doing; a passing message ("sending…") gives way to it again. */
  let cameraState = READY_TEXT;
  const setState = (text, lasting = true) => {
    if (lasting) cameraState = text;
    stateLine.textContent = text;
  };

  // ---- Result cards ----

  function paragraph(className, text) {
    const p = document.createElement('p');
    if (className) p.className = className;
    p.textContent = text;
    return p;
  }

  function idleCard() {
    const card = document.createElement('div');
    card.className = 'scan-result scan-idle';
    card.append(paragraph('scan-title', 'Sẵn sàng'), paragraph('', 'Đưa mã QR vào camera, quét bằng máy quét USB hoặc gõ mã 9 ký tự.'));
    return card;
  }

  /** The same card as views/partials/checkin-result.eta, built from the API's answer. */
  function resultCard(result) {
    const card = document.createElement('div');
    const kind = result.result === 'ok' ? 'ok' : result.result === 'duplicate' ? 'duplicate' : 'refused';
    card.className = `scan-result scan-${kind}`;
    if (result.result === 'ok') {
      card.append(paragraph('scan-title', `✓ ${result.statusLabel} — ${result.at}`), paragraph('scan-name', result.person.name));
      card.append(paragraph('', [result.person.position, result.person.unit].filter(Boolean).join(' · ')));
      if (result.needsReview) card.append(paragraph('', 'Chờ cán bộ xác nhận.'));
    } else if (result.result === 'duplicate') {
      card.append(paragraph('scan-title', '! Đã điểm danh trước đó'), paragraph('scan-name', result.person.name), paragraph('', result.message));
    } else {
      card.append(paragraph('scan-title', result.title || '✗ Không điểm danh được'));
      if (result.person) card.append(paragraph('scan-name', result.person.name));
      card.append(paragraph('', result.message));
    }
    return { card, kind };
  }

  let staleTimer;
  let flashTimer;
  function show(result) {
    const { card, kind } = resultCard(result);
    slot.replaceChildren(card);
    clearTimeout(staleTimer);
    staleTimer = setTimeout(() => card.classList.add('scan-stale'), STALE_MS);
    root.dataset.flash = kind;
    clearTimeout(flashTimer);
    flashTimer = setTimeout(() => delete root.dataset.flash, 1200);
    signal(kind);
    refocus();
  }

  const failure = (message) => ({ result: 'refused', title: '✗ Chưa ghi nhận', message });

  // ---- Tone and vibration: browsers allow sound only after a tap or key press on the page ----

  let audio;
  function unlockAudio() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    audio ??= new Context();
    if (audio.state === 'suspended') audio.resume().catch(() => {});
  }
  document.addEventListener('pointerdown', unlockAudio, { passive: true });
  document.addEventListener('keydown', unlockAudio);

  const TONES = {
    ok: [[1320, 0, 0.12]],
    duplicate: [[660, 0, 0.1], [660, 0.17, 0.1]],
    refused: [[196, 0, 0.4]],
  };
  const VIBRATIONS = { ok: [80], duplicate: [80, 80, 80], refused: [300] };

  function signal(kind) {
    if (audio && audio.state === 'running') {
      const t0 = audio.currentTime;
      for (const [frequency, start, length] of TONES[kind]) {
        const oscillator = audio.createOscillator();
        const gain = audio.createGain();
        oscillator.type = kind === 'refused' ? 'square' : 'sine';
        oscillator.frequency.value = frequency;
        gain.gain.setValueAtTime(0.0001, t0 + start);
        gain.gain.exponentialRampToValueAtTime(0.25, t0 + start + 0.01);
        gain.gain.exponentialRampToValueAtTime(0.0001, t0 + start + length);
        oscillator.connect(gain).connect(audio.destination);
        oscillator.start(t0 + start);
        oscillator.stop(t0 + start + length + 0.02);
      }
    }
    // Chrome refuses (and complains about) vibration before the user has touched the page.
    if (navigator.vibrate && (!navigator.userActivation || navigator.userActivation.hasBeenActive)) {
      try {
        navigator.vibrate(VIBRATIONS[kind]);
      } catch {
        // Vibration is a nicety.
      }
    }
  }

  // ---- Sending a scan ----

  /** crypto.randomUUID needs a secure context; plain-HTTP intranets still have getRandomValues. */
  function newNonce() {
    if (crypto.randomUUID) return crypto.randomUUID();
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  let pending = 0;
  let queue = Promise.resolve();

  /** Scans are sent one after another, so a quick USB scanner never loses a code. */
  function enqueue(code) {
    pending++;
    queue = queue.then(() => send(code)).finally(() => {
      pending--;
    });
  }

  async function send(code) {
    const nonce = newNonce();
    const slow = setTimeout(() => setState('Đang gửi…', false), 400);
    try {
      for (let attempt = 0; ; attempt++) {
        let response;
        try {
          response = await fetch(api, {
            method: 'POST',
            credentials: doorPass ? 'omit' : 'same-origin',
            headers: doorPass
              ? { accept: 'application/json', 'content-type': 'application/json', authorization: `Bearer ${doorPass}` }
              : { accept: 'application/json', 'content-type': 'application/json', 'x-csrf-token': csrf },
            body: JSON.stringify({ code, nonce, method: 'door' }),
            signal: AbortSignal.timeout ? AbortSignal.timeout(REQUEST_TIMEOUT_MS) : undefined,
          });
        } catch {
          response = null;
        }
        // A lost connection or a server error: the same nonce makes the resend safe.
        if ((!response || response.status >= 500) && attempt < RETRY_MS.length) {
          setState(`Chưa gửi được, đang thử lại (lần ${attempt + 1})…`, false);
          await sleep(RETRY_MS[attempt]);
          continue;
        }
        if (!response) return show(failure('Không kết nối được máy chủ. Kiểm tra mạng rồi quét lại.'));
        const data = await response.json().catch(() => null);
        if (response.ok && data && data.result) return show(data);
        return show(failure((data && data.message) || `Máy chủ trả lời lỗi ${response.status}. Tải lại trang rồi quét lại.`));
      }
    } finally {
      clearTimeout(slow);
      setState(cameraState);
    }
  }

  // ---- USB scanner and typing: the form is sent through the same path, the page stays put ----

  // On a laptop the field keeps the focus for the USB scanner; on a phone focusing it would open the keyboard over the camera.
  const finePointer = window.matchMedia('(pointer: fine)').matches;
  function refocus() {
    if (finePointer || document.activeElement === input) input.focus({ preventScroll: true });
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const code = input.value.trim();
    input.value = '';
    if (code) enqueue(code);
    refocus();
  });

  // A scanner "types" wherever the focus is: characters typed outside any field go to the code field.
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.key.length !== 1) return;
    const active = document.activeElement;
    if (active && (active.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName))) return;
    if (event.key === ' ' && active && /^(BUTTON|A|SUMMARY)$/.test(active.tagName)) return;
    input.focus();
  });

  // ---- Camera ----

  let stream = null;
  let wanted = false;
  let resumeWhenVisible = false;
  let decoder = null;
  let frameTimer;
  let last = { text: '', at: 0 };

  const canvas = document.createElement('canvas');
  let context = null;
  let invert = false;

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.async = true;
      script.onload = () => resolve();
      script.onerror = () => reject(new Error(`could not load ${src}`));
      document.head.append(script);
    });
  }

  /** The phone's own QR reader when it has one (fast, no download), else jsQR on a scaled-down frame. */
  async function loadDecoder() {
    if ('BarcodeDetector' in window) {
      try {
        const formats = await window.BarcodeDetector.getSupportedFormats();
        if (formats.includes('qr_code')) {
          const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
          return {
            name: 'native',
            async detect(source) {
              const codes = await detector.detect(source);
              return codes.length ? codes[0].rawValue : null;
            },
          };
        }
      } catch {
        // Declared but unusable (no QR support on this platform): fall back to jsQR.
      }
    }
    if (!window.jsQR) await loadScript(root.dataset.decoderUrl);
    return {
      name: 'jsqr',
      async detect(source) {
        const scale = Math.min(1, DECODE_SIZE / Math.max(source.videoWidth, source.videoHeight));
        const width = Math.round(source.videoWidth * scale);
        const height = Math.round(source.videoHeight * scale);
        if (canvas.width !== width || canvas.height !== height) {
          canvas.width = width;
          canvas.height = height;
          context = canvas.getContext('2d', { willReadFrequently: true });
        }
        context.drawImage(source, 0, 0, width, height);
        const image = context.getImageData(0, 0, width, height);
        // Dark-on-light and light-on-dark codes on alternate frames: both are covered at the cost of one.
        invert = !invert;
        const found = window.jsQR(image.data, width, height, { inversionAttempts: invert ? 'onlyInvert' : 'dontInvert' });
        return found && found.data ? found.data : null;
      },
    };
  }

  function cameraError(error) {
    const name = error && error.name;
    if (name === 'NotAllowedError' || name === 'SecurityError') {
      return 'Trình duyệt chưa cho phép dùng camera. Hãy cho phép camera cho trang này (biểu tượng cạnh thanh địa chỉ) rồi bấm “Bật camera”.';
    }
    if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'Không tìm thấy camera trên thiết bị này. Vẫn quét được bằng máy quét USB hoặc gõ mã.';
    if (name === 'NotReadableError') return 'Camera đang được ứng dụng khác sử dụng. Đóng ứng dụng đó rồi bấm “Bật camera”.';
    return 'Không bật được camera. Vẫn quét được bằng máy quét USB hoặc gõ mã.';
  }

  function showCameraState() {
    const live = Boolean(stream);
    root.classList.toggle('is-live', live);
    toggle.textContent = live ? 'Tắt camera' : 'Bật camera';
    toggle.setAttribute('aria-pressed', String(live));
  }

  async function startCamera() {
    if (stream || wanted) return;
    wanted = true;
    setState('Đang bật camera…');
    let opened;
    try {
      opened = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
      });
      decoder ??= await loadDecoder();
    } catch (error) {
      if (opened) for (const track of opened.getTracks()) track.stop();
      wanted = false;
      setState(opened ? 'Không tải được bộ đọc mã QR. Tải lại trang, hoặc quét bằng máy quét USB.' : cameraError(error));
      showCameraState();
      return;
    }
    if (!wanted) {
      // Stopped while the permission prompt was open.
      for (const track of opened.getTracks()) track.stop();
      return;
    }
    stream = opened;
    root.dataset.decoder = decoder.name;
    for (const track of stream.getVideoTracks()) {
      track.addEventListener('ended', () => {
        stopCamera();
        setState('Mất tín hiệu camera. Bấm “Bật camera” để thử lại.');
      });
    }
    video.srcObject = stream;
    await video.play().catch(() => {});
    showCameraState();
    setState(LIVE_TEXT);
    // On a phone the header and tabs scroll away so the picture and the result card fit on the screen together.
    if (window.matchMedia('(max-width: 40rem)').matches) viewfinder.scrollIntoView({ block: 'start', behavior: 'smooth' });
    scheduleFrame(0);
  }

  function stopCamera() {
    wanted = false;
    clearTimeout(frameTimer);
    if (stream) for (const track of stream.getTracks()) track.stop();
    stream = null;
    video.srcObject = null;
    showCameraState();
    setState(READY_TEXT);
  }

  function scheduleFrame(delay) {
    clearTimeout(frameTimer);
    frameTimer = setTimeout(readFrame, delay);
  }

  async function readFrame() {
    if (!stream) return;
    // While a scan is being sent the frames wait: the code still in view is read again right after.
    if (pending === 0 && video.readyState >= 2 && video.videoWidth > 0) {
      let text = null;
      try {
        text = await decoder.detect(video);
      } catch {
        // A frame the decoder could not read; the next one will do.
      }
      if (text && stream) accept(text);
    }
    if (stream) scheduleFrame(FRAME_MS);
  }

  /** A code held still in front of the camera counts once; it counts again after it has been away for REPEAT_MS. */
  function accept(text) {
    const now = Date.now();
    const repeated = text === last.text && now - last.at < REPEAT_MS;
    last = { text, at: now };
    if (!repeated) enqueue(text);
  }

  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    root.classList.add('no-camera');
    toggle.hidden = true;
    setState(window.isSecureContext
      ? 'Trình duyệt này không dùng được camera. Quét bằng máy quét USB hoặc gõ mã.'
      : 'Camera chỉ dùng được khi trang mở bằng https://. Quét bằng máy quét USB hoặc gõ mã.');
  } else {
    toggle.addEventListener('click', () => {
      unlockAudio();
      if (stream || wanted) {
        stopCamera();
        sessionStorage.setItem(CAMERA_OFF_KEY, '1');
      } else {
        sessionStorage.removeItem(CAMERA_OFF_KEY);
        startCamera();
      }
    });
    // The camera is let go while the tab is hidden (battery, other apps) and taken back on return.
    document.addEventListener('visibilitychange', () => {
      if (document.hidden && (stream || wanted)) {
        resumeWhenVisible = true;
        stopCamera();
      } else if (!document.hidden && resumeWhenVisible) {
        resumeWhenVisible = false;
        startCamera();
      }
    });
    // No button press needed once the browser remembers the permission, unless staff turned the camera off.
    if (navigator.permissions && navigator.permissions.query && !sessionStorage.getItem(CAMERA_OFF_KEY)) {
      navigator.permissions
        .query({ name: 'camera' })
        .then((status) => {
          if (status.state === 'granted') startCamera();
        })
        .catch(() => {});
    }
  }

  if (!slot.firstElementChild) slot.replaceChildren(idleCard());
  showCameraState();
})();
