// Materials upload form: sends the file with the tus resumable protocol in chunks, shows progress, and after a
// dropped connection (or a reload with the same file) continues from where the server stopped. Without this
// script, or on a browser tus does not support, the form posts as an ordinary multipart form.
(function () {
  'use strict';
  var form = document.querySelector('form.upload-form');
  if (!form) return;
  var kind = form.querySelector('[name="kind"]');
  var fileInput = form.querySelector('[name="file"]');
  kind.addEventListener('change', function () {
    var option = kind.options[kind.selectedIndex];
    if (option && option.dataset.accept) fileInput.accept = option.dataset.accept;
  });
  if (!window.tus || !window.tus.isSupported) return;

  var box = form.querySelector('.upload-progress');
  var bar = box.querySelector('progress');
  var status = box.querySelector('.upload-status');
  var submit = form.querySelector('button[type="submit"]');
  var pause = form.querySelector('.upload-pause');
  var upload = null;
  var paused = false;

  function megabytes(bytes) {
    return (bytes / 1048576).toLocaleString('vi-VN', { maximumFractionDigits: 1 }) + ' MB';
  }

  function messageOf(error) {
    var response = error && error.originalResponse;
    if (!response) return 'Mất kết nối tới máy chủ. Khi có mạng trở lại, bấm "Tải lên" để tiếp tục từ chỗ đã dừng.';
    var body = response.getBody() || '';
    try {
      var parsed = JSON.parse(body);
      if (parsed && parsed.message) return parsed.message;
    } catch {
      // A plain-text message from the upload server.
    }
    return body.trim() || 'Máy chủ từ chối tệp (mã ' + response.getStatus() + ').';
  }

  function setBusy(busy) {
    submit.disabled = busy;
    kind.disabled = busy;
    fileInput.disabled = busy;
    pause.hidden = !busy;
  }

  pause.addEventListener('click', function () {
    if (!upload) return;
    if (paused) {
      paused = false;
      pause.textContent = 'Tạm dừng';
      status.textContent = 'Đang tiếp tục…';
      upload.start();
    } else {
      paused = true;
      pause.textContent = 'Tiếp tục';
      upload.abort().then(function () {
        status.textContent = 'Đã tạm dừng ở ' + bar.value + '%. Bấm "Tiếp tục" để tải tiếp.';
      });
    }
  });

  form.addEventListener('submit', function (event) {
    var file = fileInput.files && fileInput.files[0];
    if (!file) return;
    event.preventDefault();
    var field = function (name) {
      var input = form.querySelector('[name="' + name + '"]');
      return input ? input.value : '';
    };
    box.hidden = false;
    bar.value = 0;
    status.textContent = 'Đang chuẩn bị…';
    setBusy(true);
    upload = new window.tus.Upload(file, {
      endpoint: form.dataset.tusEndpoint,
      chunkSize: 16 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000, 60000, 60000, 60000, 60000],
      removeFingerprintOnSuccess: true,
      headers: { 'X-CSRF-Token': form.dataset.csrf },
      metadata: {
        filename: file.name,
        scope: field('scope'),
        kind: kind.value,
        title: field('title'),
        description: field('description'),
      },
      onProgress: function (sent, total) {
        var percent = total ? Math.floor((sent / total) * 100) : 0;
        bar.value = percent;
        status.textContent = 'Đã gửi ' + megabytes(sent) + ' / ' + megabytes(total) + ' (' + percent + '%)';
      },
      onError: function (error) {
        setBusy(false);
        submit.textContent = 'Tải lên (tiếp tục)';
        status.textContent = messageOf(error);
        status.classList.add('field-error');
      },
      onSuccess: function (payload) {
        status.classList.remove('field-error');
        status.textContent = 'Đã tải lên xong, đang mở tệp…';
        var target = payload && payload.lastResponse && payload.lastResponse.getHeader('X-Material-Url');
        window.location.assign(target || form.querySelector('[name="scope"]').value.replace(/^(\w+):(\d+)$/, '/$1s/$2'));
      },
    });
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length > 0) {
        upload.resumeFromPreviousUpload(previous[0]);
        status.textContent = 'Tiếp tục tệp đã tải dở…';
      }
      upload.start();
    });
  });
})();
