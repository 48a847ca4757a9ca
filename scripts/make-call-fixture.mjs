#!/usr/bin/env node
// Makes the recorded-call fixtures of test/e2e/call-transcription.e2e.test.ts from the script below:
// Debian's espeak-ng speaks it in Indonesian, the WAV is resampled here to 16 kHz mono 16-bit PCM
// (what whisper.cpp works at) and Debian's lame encodes it as a mono MP3, the format Twilio serves
// a recording in (RecordingUrl + ".mp3"). The files are shipped in test/fixtures, so the test needs
// neither tool; run this again only to change the script:
//   node scripts/make-call-fixture.mjs
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { aptInstall, onPath } from "./apt-install.mjs";

export const CALL_SCRIPT = "Selamat siang. Saya mau melapor. Jalan di depan pasar berlubang besar dan sering terjadi kecelakaan. Mohon segera diperbaiki. Terima kasih.";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const fixtures = join(root, "test", "fixtures");

/** A PCM16 WAV's samples (mono: the channels averaged) and rate. */
function readWav(buf) {
  let p = 12;
  let fmt = null;
  while (p + 8 <= buf.length) {
    const id = buf.toString("ascii", p, p + 4);
    let size = buf.readUInt32LE(p + 4);
    if (id === "data" && (size === 0 || size === 0xffffffff || p + 8 + size > buf.length)) size = buf.length - p - 8; // espeak-ng writing to a pipe
    if (id === "fmt ") fmt = { channels: buf.readUInt16LE(p + 10), rate: buf.readUInt32LE(p + 12), bits: buf.readUInt16LE(p + 22) };
    if (id === "data") {
      if (!fmt || fmt.bits !== 16) throw new Error("expected 16-bit PCM");
      const n = Math.floor(size / 2 / fmt.channels);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let c = 0; c < fmt.channels; c++) s += buf.readInt16LE(p + 8 + (i * fmt.channels + c) * 2);
        out[i] = s / fmt.channels / 32768;
      }
      return { samples: out, rate: fmt.rate };
    }
    p += 8 + size + (size & 1);
  }
  throw new Error("no data chunk");
}

function resample(samples, from, to) {
  const n = Math.floor((samples.length * to) / from);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = (i * from) / to;
    const j = Math.floor(x);
    const f = x - j;
    out[i] = (samples[j] ?? 0) * (1 - f) + (samples[j + 1] ?? samples[j] ?? 0) * f;
  }
  return out;
}

function wav16(samples, rate) {
  const b = Buffer.alloc(44 + samples.length * 2);
  b.write("RIFF", 0, "ascii");
  b.writeUInt32LE(36 + samples.length * 2, 4);
  b.write("WAVEfmt ", 8, "ascii");
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write("data", 36, "ascii");
  b.writeUInt32LE(samples.length * 2, 40);
  for (let i = 0; i < samples.length; i++) b.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32767))), 44 + i * 2);
  return b;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!aptInstall("espeak-ng", () => onPath("espeak-ng"))) process.exit(1);
  if (!aptInstall("lame", () => onPath("lame"))) process.exit(1);
  const tmp = mkdtempSync(join(tmpdir(), "aduan-call-"));
  try {
    const raw = join(tmp, "espeak.wav");
    const r = spawnSync("espeak-ng", ["-v", "id", "-s", "150", "-w", raw, CALL_SCRIPT], { stdio: "inherit" });
    if (r.status !== 0) process.exit(1);
    const { samples, rate } = readWav(readFileSync(raw));
    const wav = wav16(resample(samples, rate, 16000), 16000);
    writeFileSync(join(fixtures, "call-id.wav"), wav);
    const mp3 = spawnSync("lame", ["--quiet", "-m", "m", "-b", "32", join(fixtures, "call-id.wav"), join(fixtures, "call-id.mp3")], { stdio: "inherit" });
    if (mp3.status !== 0) process.exit(1);
    writeFileSync(join(fixtures, "call-id.txt"), `${CALL_SCRIPT}\n`);
    console.log(`test/fixtures/call-id.wav (16 kHz mono, ${(samples.length / rate).toFixed(1)} s), call-id.mp3 and call-id.txt written`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
