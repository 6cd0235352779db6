// A fake camera for browser tests: a Y4M video that Chromium plays as its webcam, showing QR codes or nothing.
import { closeSync, openSync, writeSync } from 'node:fs';
import QRCode from 'qrcode';

/** A stretch of the video: a QR code of `qr` held in front of the camera, or an empty scene. */
export interface FakeCameraScene {
  qr?: string;
  seconds: number;
}

export interface FakeCameraOptions {
  width?: number;
  height?: number;
  fps?: number;
}

const BACKGROUND = 110; // a grey desk
const PAPER = 235;
const INK = 20;

/** One 4:2:0 frame: the luma plane with a QR code (or nothing) painted on it, then neutral chroma planes. */
function frame(width: number, height: number, qr: string | undefined): Buffer {
  const lumaSize = width * height;
  const chromaSize = (width / 2) * (height / 2);
  const buffer = Buffer.alloc(lumaSize + 2 * chromaSize, 128);
  buffer.fill(BACKGROUND, 0, lumaSize);
  if (qr === undefined) return buffer;
  const modules = QRCode.create(qr, { errorCorrectionLevel: 'M' }).modules;
  const quiet = 4;
  const cells = modules.size + 2 * quiet;
  const cell = Math.floor((Math.min(width, height) * 0.85) / cells);
  if (cell < 2) throw new Error(`a ${modules.size}-module QR code does not fit in ${width}x${height}`);
  const left = Math.floor((width - cells * cell) / 2);
  const top = Math.floor((height - cells * cell) / 2);
  for (let y = 0; y < cells * cell; y++) {
    const row = Math.floor(y / cell) - quiet;
    for (let x = 0; x < cells * cell; x++) {
      const col = Math.floor(x / cell) - quiet;
      const dark = row >= 0 && col >= 0 && row < modules.size && col < modules.size && modules.get(row, col) === 1;
      buffer[(top + y) * width + left + x] = dark ? INK : PAPER;
    }
  }
  return buffer;
}

/**
 * Writes a YUV4MPEG2 (C420jpeg) file playing the scenes in order; Chromium loops it. 640x480 at 10 fps by default.
 * Returns the file name, for `fakeCameraArgs`.
 */
export function writeFakeCameraVideo(file: string, scenes: FakeCameraScene[], options: FakeCameraOptions = {}): string {
  const { width = 640, height = 480, fps = 10 } = options;
  if (width % 2 || height % 2) throw new Error('Y4M 4:2:0 needs an even width and height');
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, `YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`);
    for (const scene of scenes) {
      const picture = frame(width, height, scene.qr);
      for (let i = 0; i < Math.max(1, Math.round(scene.seconds * fps)); i++) {
        writeSync(fd, 'FRAME\n');
        writeSync(fd, picture);
      }
    }
  } finally {
    closeSync(fd);
  }
  return file;
}

/** Chromium flags that replace the camera with the video file and grant camera permission without a prompt. */
export function fakeCameraArgs(file: string): string[] {
  return ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${file}`];
}
