// A tiny whisper model in whisper.cpp's ggml file format, made here with deterministic pseudo-random
// weights (about 2.5 MB): the real native loader and the real inference run on it, offline, so the
// transcription pipeline (decode the MP3, run whisper, store the transcript, show it) is tested with
// no model package. It recognises nothing: its text is tokens of its made-up vocabulary ("w123").
// The words-and-WER check needs a real multilingual model (WHISPER_TEST_MODEL, docs/transcription.md).
import { writeFileSync } from "node:fs";

const GGML_MAGIC = 0x67676d6c;
const N_VOCAB = 51865; // >= 51865: whisper.cpp treats the model as multilingual (language "id" allowed)
const N_AUDIO_CTX = 1500;
const N_STATE = 8;
const N_HEAD = 2;
const N_LAYER = 4;
const N_TEXT_CTX = 448;
const N_MELS = 80;
const N_FFT = 201;
const TEXT_TOKENS = 50257; // the rest (specials, languages, timestamps) whisper.cpp names itself

export function writeSyntheticWhisperModel(path: string): void {
  const parts: Buffer[] = [];
  const i32 = (...v: number[]) => {
    const b = Buffer.alloc(4 * v.length);
    v.forEach((x, i) => b.writeInt32LE(x, i * 4));
    parts.push(b);
  };
  let seed = 12345;
  const scale = Number(process.env.SYNTH_SCALE ?? 0.2);
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 0x100000000 - 0.5;
  };
  const f32 = (n: number, f: () => number) => {
    const b = Buffer.alloc(4 * n);
    for (let i = 0; i < n; i++) b.writeFloatLE(f(), i * 4);
    parts.push(b);
  };
  i32(GGML_MAGIC, N_VOCAB, N_AUDIO_CTX, N_STATE, N_HEAD, N_LAYER, N_TEXT_CTX, N_STATE, N_HEAD, N_LAYER, N_MELS, 0 /* ftype f32 */);
  i32(N_MELS, N_FFT);
  f32(N_MELS * N_FFT, () => 0.01);
  i32(TEXT_TOKENS);
  for (let i = 0; i < TEXT_TOKENS; i++) {
    const w = Buffer.from(` w${i}`, "utf8");
    i32(w.length);
    parts.push(w);
  }
  const tensor = (name: string, ne: number[], init: () => number = () => rnd() * scale) => {
    const n = Buffer.from(name, "utf8");
    i32(ne.length, n.length, 0 /* f32 */, ...ne);
    parts.push(n);
    f32(ne.reduce((a, b) => a * b, 1), init);
  };
  const one = () => 1;
  const zero = () => 0;
  tensor("encoder.positional_embedding", [N_STATE, N_AUDIO_CTX]);
  tensor("encoder.conv1.weight", [3, N_MELS, N_STATE]);
  tensor("encoder.conv1.bias", [1, N_STATE], zero);
  tensor("encoder.conv2.weight", [3, N_STATE, N_STATE]);
  tensor("encoder.conv2.bias", [1, N_STATE], zero);
  tensor("encoder.ln_post.weight", [N_STATE], one);
  tensor("encoder.ln_post.bias", [N_STATE], zero);
  const block = (prefix: string, cross: boolean) => {
    tensor(`${prefix}.mlp_ln.weight`, [N_STATE], one);
    tensor(`${prefix}.mlp_ln.bias`, [N_STATE], zero);
    tensor(`${prefix}.mlp.0.weight`, [N_STATE, 4 * N_STATE]);
    tensor(`${prefix}.mlp.0.bias`, [4 * N_STATE], zero);
    tensor(`${prefix}.mlp.2.weight`, [4 * N_STATE, N_STATE]);
    tensor(`${prefix}.mlp.2.bias`, [N_STATE], zero);
    for (const attn of cross ? ["attn", "cross_attn"] : ["attn"]) {
      tensor(`${prefix}.${attn}_ln.weight`, [N_STATE], one);
      tensor(`${prefix}.${attn}_ln.bias`, [N_STATE], zero);
      tensor(`${prefix}.${attn}.query.weight`, [N_STATE, N_STATE]);
      tensor(`${prefix}.${attn}.query.bias`, [N_STATE], zero);
      tensor(`${prefix}.${attn}.key.weight`, [N_STATE, N_STATE]);
      tensor(`${prefix}.${attn}.value.weight`, [N_STATE, N_STATE]);
      tensor(`${prefix}.${attn}.value.bias`, [N_STATE], zero);
      tensor(`${prefix}.${attn}.out.weight`, [N_STATE, N_STATE]);
      tensor(`${prefix}.${attn}.out.bias`, [N_STATE], zero);
    }
  };
  for (let i = 0; i < N_LAYER; i++) block(`encoder.blocks.${i}`, false);
  tensor("decoder.positional_embedding", [N_STATE, N_TEXT_CTX]);
  tensor("decoder.token_embedding.weight", [N_STATE, N_VOCAB]);
  tensor("decoder.ln.weight", [N_STATE], one);
  tensor("decoder.ln.bias", [N_STATE], zero);
  for (let i = 0; i < N_LAYER; i++) block(`decoder.blocks.${i}`, true);
  writeFileSync(path, Buffer.concat(parts));
}
