import { Core1764000000000 } from "./1764000000000-core.js";

/** Every migration, in order. Add new ones at the end; never edit a landed one. */
export const migrations = [Core1764000000000];
