// The conversation's presenters: a forward as the gate shows it, and the reply options.
import type { Forward } from "../../entities/forward.entity.js";
import type { ReplyOptions } from "../../queries/reply-options.js";
import { presentForward } from "./ticket.presenter.js";
import { WITHHELD_NOTICE, type OpenedTicket } from "../../queries/access-gate.js";

/** A forward whose ticket the viewer cannot open (e.g. withdrawn from its OPD) shows no text. */
export function presentGatedForward(f: Forward, o: OpenedTicket | null | undefined) {
  if (!o) return { ...presentForward(f, () => ""), instruction: null, response: null, returnReason: null, withheld: { reason: "not_permitted", reporter: true, masked: true, notice: WITHHELD_NOTICE.not_permitted } };
  return { ...presentForward(f, o.text), withheld: o.withheld };
}

export function presentReplyOptions(o: ReplyOptions) {
  if (!o.reachable) return { reachable: false, reason: o.reason, freeText: false, window: null, templates: [], limits: null };
  const l = o.connector.limits;
  return {
    reachable: true,
    channel: o.route.account.kind,
    connector: o.connector.id,
    channelAccountId: o.route.account.id,
    freeText: o.freeText,
    window: o.window,
    // Shown in the console when free text is not allowed (Bahasa Indonesia, English after the slash).
    notice: o.freeText
      ? null
      : o.templates.length === 0
        ? `Lebih dari ${o.window?.hours ?? 24} jam sejak pesan terakhir warga: saluran ini tidak dapat dibalas sampai warga menulis lagi; hubungi lewat saluran lain. / More than ${o.window?.hours ?? 24} hours since the citizen's last message: this channel cannot be answered until they write again; use another channel.`
        : `Lebih dari ${o.window?.hours ?? 24} jam sejak pesan terakhir warga: hanya templat yang disetujui yang dapat dikirim. / More than ${o.window?.hours ?? 24} hours since the citizen's last message: only an approved template can be sent.`,
    templates: o.templates,
    limits: { maxTextLength: l.maxTextLength, attachments: l.attachments },
  };
}
