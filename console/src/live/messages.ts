/** Texts of the live parts of the console (merged under aduan.live); en has the same keys (checked by tsc). */
export const liveId = {
  also_here: "Juga sedang membuka tiket ini: %{names}",
  also_here_hint: "Koordinasikan sebelum membalas atau mengubah status agar tidak bertabrakan.",
};
export const liveEn: typeof liveId = {
  also_here: "Also on this ticket: %{names}",
  also_here_hint: "Coordinate before replying or changing the status, so that your work does not collide.",
};
