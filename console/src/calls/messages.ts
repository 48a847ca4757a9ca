/** Texts of the call log screen (merged under aduan.calls); en has the same keys (checked by tsc). */
export const callsId = {
  menu: "Log panggilan",
  title: "Log panggilan telepon",
  empty: "Belum ada panggilan. Panggilan ke nomor IVR (terjawab maupun tak terjawab) tercatat di sini.",
  when: "Waktu", from: "Dari", status: "Status", duration: "Durasi", ticket: "Tiket", recording: "Rekaman",
  answered: "Terjawab", missed: "Tak terjawab", missed_only: "Hanya yang tak terjawab",
  no_recording: "—", seconds: "%{m} mnt %{s} dtk",
  transcript_auto: "Transkripsi otomatis (whisper, on-premise)",
  transcript_pending: "Rekaman sedang ditranskripsi di server…",
  transcript_no_model: "Transkripsi di server tidak aktif: model whisper belum terpasang. Transkrip dari penyedia (jika ada) tampil sebagai pesan \"Transkrip rekaman\".",
  transcript_failed: "Transkripsi di server gagal; dengarkan rekamannya.",
  transcript_empty: "(tidak ada ucapan yang dikenali)",
};
export const callsEn: typeof callsId = {
  menu: "Call log",
  title: "Phone call log",
  empty: "No calls yet. Calls to the IVR number (answered or missed) are listed here.",
  when: "Time", from: "From", status: "Status", duration: "Duration", ticket: "Ticket", recording: "Recording",
  answered: "Answered", missed: "Missed", missed_only: "Missed calls only",
  no_recording: "—", seconds: "%{m} min %{s} s",
  transcript_auto: "Automatic transcript (whisper, on-premise)",
  transcript_pending: "The recording is being transcribed on the server…",
  transcript_no_model: "Server transcription is off: no whisper model is installed. The provider's transcript (if any) is shown as the \"Transcript\" message.",
  transcript_failed: "Server transcription failed; listen to the recording.",
  transcript_empty: "(no speech recognised)",
};
