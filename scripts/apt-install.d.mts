export function aptInstall(pkg: string, present: () => boolean, opts?: { quiet?: boolean; label?: string }): boolean;
export function onPath(cmd: string): boolean;
