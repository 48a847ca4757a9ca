// whisper.cpp on the server, through the prebuilt linux-x64 Node binding (@fugood/node-whisper-linux-x64,
// an optional dependency: on another platform the engine reports itself unavailable). The model is a
// ggml file installed by the operator (WHISPER_MODEL); nothing is ever downloaded at run time.
// The binding decodes WAV, MP3 and FLAC itself (whisper.cpp's miniaudio) and resamples to 16 kHz mono.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { basename } from "node:path";
import type { Logger } from "../lib/logger.js";

interface NativeResult {
  result: string;
  language?: string;
  segments: Array<{ text: string; t0: number; t1: number }>;
  isAborted: boolean;
}
interface NativeContext {
  transcribeFile(path: string, options: { language?: string; maxThreads?: number; temperature?: number; beamSize?: number }): { stop(): Promise<void>; promise: Promise<NativeResult> };
  release(): Promise<void>;
}
interface NativeModule {
  WhisperContext: new (options: { filePath: string; useGpu?: boolean }) => NativeContext;
}

const NATIVE_PACKAGE = "@fugood/node-whisper-linux-x64";

function loadNative(): NativeModule | string {
  if (process.platform !== "linux" || process.arch !== "x64") return `the prebuilt whisper.cpp binding is linux-x64 only (this is ${process.platform}-${process.arch})`;
  try {
    return createRequire(import.meta.url)(NATIVE_PACKAGE) as NativeModule;
  } catch (err) {
    return `${NATIVE_PACKAGE} is not installed (${err instanceof Error ? err.message : String(err)})`;
  }
}

export interface TranscriptOut {
  text: string;
  language: string | null;
  /** The end of the last segment, in milliseconds. */
  audioMs: number;
  tookMs: number;
  engine: string;
}

export type EngineStatus = { available: true; engine: string } | { available: false; reason: string };

/**
 * A small pool of whisper contexts (one per concurrent transcription, at most `concurrency`), each
 * loaded from the model file when first needed. A context runs one transcription at a time.
 */
export class WhisperEngine {
  private native: NativeModule | string | undefined;
  private idle: NativeContext[] = [];
  private created = 0;
  private waiters: Array<(c: NativeContext) => void> = [];
  private closed = false;

  constructor(
    private readonly opts: { modelPath: string | null; concurrency: number; threads: number; language: string; timeoutMs: number },
    private readonly logger?: Logger,
  ) {}

  status(): EngineStatus {
    if (!this.opts.modelPath) return { available: false, reason: "no whisper model is installed (WHISPER_MODEL is not set)" };
    if (!existsSync(this.opts.modelPath)) return { available: false, reason: `no whisper model is installed (${this.opts.modelPath} does not exist)` };
    this.native ??= loadNative();
    if (typeof this.native === "string") return { available: false, reason: this.native };
    return { available: true, engine: `whisper.cpp ${basename(this.opts.modelPath)}` };
  }

  private async acquire(): Promise<NativeContext> {
    const ready = this.idle.pop();
    if (ready) return ready;
    if (this.created < this.opts.concurrency) {
      this.created++;
      try {
        const started = Date.now();
        const ctx = new (this.native as NativeModule).WhisperContext({ filePath: this.opts.modelPath!, useGpu: false });
        this.logger?.info({ model: this.opts.modelPath, ms: Date.now() - started }, "whisper model loaded");
        return ctx;
      } catch (err) {
        this.created--;
        throw err;
      }
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(ctx: NativeContext) {
    const next = this.waiters.shift();
    if (next) next(ctx);
    else if (this.closed) void ctx.release();
    else this.idle.push(ctx);
  }

  /** Transcribes an audio file (WAV, MP3 or FLAC). Throws when the engine is unavailable or whisper fails. */
  async transcribeFile(path: string): Promise<TranscriptOut> {
    const s = this.status();
    if (!s.available) throw new Error(s.reason);
    const ctx = await this.acquire();
    const started = Date.now();
    // The binding's worker thread does not keep Node's event loop alive: a ref'd timer does, meanwhile.
    // It also never settles the promise when whisper fails (its error callback passes one argument
    // where the binding waits for two): past the time limit the context is dropped and this fails.
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const job = ctx.transcribeFile(path, { language: this.opts.language, maxThreads: this.opts.threads, temperature: 0 });
    try {
      const r = await Promise.race([
        job.promise,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            timedOut = true;
            reject(new Error(`whisper gave no result within ${Math.round(this.opts.timeoutMs / 1000)} s`));
          }, this.opts.timeoutMs);
        }),
      ]);
      const last = r.segments.at(-1);
      return {
        text: r.result.replace(/\s+/g, " ").trim(),
        language: r.language || (this.opts.language === "auto" ? null : this.opts.language),
        // The binding gives segment times in milliseconds.
        audioMs: last ? Math.round(last.t1) : 0,
        tookMs: Date.now() - started,
        engine: s.engine,
      };
    } finally {
      clearTimeout(timer);
      if (timedOut) {
        // Not reused: a stuck context is stopped and released; the pool makes a new one when needed.
        this.created--;
        void job.stop().catch(() => undefined);
        void ctx.release().catch(() => undefined);
        const next = this.waiters.shift();
        if (next) void this.acquire().then(next);
      } else this.release(ctx);
    }
  }

  /** Loads one context now (the worker at start; tests): a broken model file fails here, not on the first call. */
  async warmUp(): Promise<void> {
    const s = this.status();
    if (!s.available) throw new Error(s.reason);
    this.release(await this.acquire());
  }

  /** Frees the loaded models (a worker stopping; tests). */
  async close(): Promise<void> {
    this.closed = true;
    const all = this.idle.splice(0);
    await Promise.all(all.map((c) => c.release()));
  }
}
