// Types for scripts/galera.mjs (used by the failover test and test support).
export declare const NODES: number;
export declare const PROXY_PORT: number;
export declare const DIR: string;
export declare const GALERA_URL: string;
export declare function nodePort(n: number): number;
export declare function nodeUrl(n: number): string;
export declare function startNode(n: number, opts?: { bootstrap?: boolean; timeoutMs?: number }): Promise<void>;
export declare function killNode(n: number): Promise<number | null>;
export declare function haproxyPath(): string | null;
export declare function ensureHaproxy(opts?: { quiet?: boolean }): boolean;
export interface GaleraNodeStatus { node: number; port: number; pid: number | null; ready?: boolean; size?: number; state?: string; status?: string }
export declare function status(): Promise<{ dir: string; url: string; proxy: { port: number; pid: number | null; up: boolean }; nodes: GaleraNodeStatus[] }>;
export declare function isRunning(): Promise<boolean>;
export declare function start(opts?: { log?: (m: string) => void }): Promise<{ url: string; ms: number; reused: boolean }>;
export declare function stop(opts?: { keepTemplate?: boolean }): Promise<void>;
