// An Open311 key as admins see it: never the key itself.
import { Open311Key } from "../../entities/open311-key.entity.js";

/** What admins see of a key: never its hash, the secret only in the answer that created it. */
export const presentKey = (k: Open311Key) => ({ id: k.id, name: k.name, keyPrefix: k.keyPrefix, active: k.active, lastUsedAt: k.lastUsedAt, createdAt: k.createdAt });
