#!/usr/bin/env bash
# The browser tests need Debian's Chromium (and PDF checks poppler, documents a Times-metric font, bundles unzip).
# Installs them when missing and we may (root with apt-get); otherwise says exactly what to run.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
fc-list 2>/dev/null | grep -qi 'Liberation Serif' || missing+=(fonts-liberation2)
# Evidence-bundle tests check archives with unzip/zipinfo (and zip for a fixture).
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
command -v zip >/dev/null 2>&1 || missing+=(zip)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Cài các gói hệ thống cần cho kiểm thử: ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Thiếu gói hệ thống cho kiểm thử trình duyệt: ${missing[*]}" >&2
  echo "Chạy: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
