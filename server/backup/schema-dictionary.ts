/**
 * What every table and column of the open-format export means, in Bahasa Indonesia and English
 * (written into the archive as schema.json and SKEMA.md). Columns holding secrets are left out of
 * the export and say so. A test fails when a table or column has no description, so a migration
 * that adds one must describe it here.
 */
export interface Text {
  id: string;
  en: string;
}
export interface TableDoc {
  about: Text;
  /** Tables kept for the machinery (jobs, throttles…): their columns are described as technical. */
  technical?: boolean;
  /** Left out of the export entirely (credentials). */
  omit?: Text;
  columns?: Record<string, Text>;
}

const t = (id: string, en: string): Text => ({ id, en });

/** Columns that are secrets (or keyed hashes of them): never exported. */
export const SECRET_COLUMNS: Record<string, string[]> = {
  users: ["password_hash", "totp_secret"],
  tickets: ["tracking_secret_hash"],
  tracking_codes: ["code_hash"],
  contact_link_requests: ["code_hash"],
  open311_keys: ["key_hash"],
  channel_accounts: ["config_encrypted"],
  jobs: ["lock_token"],
  session_leases: ["qr"],
  tracking_links: ["secret_hash"],
  user_recovery_codes: ["code_hash"],
  webhook_endpoints: ["secret_encrypted"],
};

/** Descriptions by column name, for every table that has the column. */
const COMMON: Record<string, Text> = {
  id: t("nomor baris (kunci utama)", "row number (primary key)"),
  created_at: t("waktu baris dibuat (UTC, ISO 8601)", "when the row was created (UTC, ISO 8601)"),
  updated_at: t("waktu baris terakhir diubah (UTC)", "when the row last changed (UTC)"),
  ticket_id: t("id tiket (tickets.id)", "ticket id (tickets.id)"),
  contact_id: t("id kontak pelapor (contacts.id)", "reporter's contact id (contacts.id)"),
  agency_id: t("id OPD (agencies.id)", "agency (OPD) id (agencies.id)"),
  forward_id: t("id disposisi (forwards.id)", "forward (disposisi) id (forwards.id)"),
  message_id: t("id pesan (messages.id)", "message id (messages.id)"),
  user_id: t("id pengguna staf (users.id)", "staff user id (users.id)"),
  channel_account_id: t("id akun kanal (channel_accounts.id)", "channel account id (channel_accounts.id)"),
  category_id: t("id kategori (categories.id)", "category id (categories.id)"),
  calendar_id: t("id kalender kerja (calendars.id)", "working calendar id (calendars.id)"),
  policy_id: t("id kebijakan SLA (sla_policies.id)", "SLA policy id (sla_policies.id)"),
  clock_id: t("id jam SLA (sla_clocks.id)", "SLA clock id (sla_clocks.id)"),
  name: t("nama", "name"),
  email: t("alamat e-mail", "e-mail address"),
  phone: t("nomor telepon", "phone number"),
  active: t("aktif (1) atau nonaktif (0)", "active (1) or not (0)"),
  channel: t("kanal: sms, voice, whatsapp, telegram, email, facebook, instagram, x, web, open311", "channel: sms, voice, whatsapp, telegram, email, facebook, instagram, x, web, open311"),
  subject: t("judul", "subject"),
  body: t("isi teks", "text"),
  status: t("status (lihat docs/sla.md dan DOMAIN)", "status (see docs/sla.md and the domain)"),
  due_at: t("tenggat (UTC)", "deadline (UTC)"),
  external_id: t("id di penyedia kanal", "id at the channel provider"),
  kind: t("jenis", "kind"),
  complaint_class: t("kelas aduan (menentukan SLA)", "complaint class (decides the SLA)"),
  description: t("uraian", "description"),
};

export const SCHEMA_DICTIONARY: Record<string, TableDoc> = {
  tickets: {
    about: t("Aduan (tiket): satu per pengaduan warga", "Complaints (tickets): one per citizen complaint"),
    columns: {
      number: t("nomor tiket untuk warga, mis. ADU-202612-00042", "ticket number given to the citizen, e.g. ADU-202612-00042"),
      description: t("isi aduan sebagaimana ditulis warga", "the complaint as the citizen wrote it"),
      privacy: t("tingkat privasi: biasa, anonim, rahasia", "privacy level: normal (biasa), anonymous (anonim), confidential (rahasia)"),
      previous_status: t("status sebelum status sekarang", "status before the current one"),
      priority: t("prioritas", "priority"),
      assignee_user_id: t("operator yang menangani (users.id)", "operator in charge (users.id)"),
      merged_into_id: t("tiket tujuan bila digabung (tickets.id)", "ticket it was merged into (tickets.id)"),
      created_by_user_id: t("staf yang mencatat (aduan telepon), users.id", "staff member who recorded it (phone complaint), users.id"),
      location_text: t("lokasi yang disebut warga", "location as the citizen gave it"),
      address_id: t("kode alamat dari sistem mitra (Open311 address_id)", "address id from the partner system (Open311 address_id)"),
      latitude: t("lintang (WGS84)", "latitude (WGS84)"),
      longitude: t("bujur (WGS84)", "longitude (WGS84)"),
      is_open: t("masih terbuka (1) atau selesai (0)", "still open (1) or done (0)"),
      received_at: t("waktu diterima", "when received"),
      verified_at: t("waktu diverifikasi operator", "when an operator verified it"),
      forwarded_at: t("waktu didisposisikan ke OPD", "when forwarded to an agency"),
      first_response_at: t("waktu tanggapan pertama ke warga", "when the citizen first got an answer"),
      answered_at: t("waktu dijawab", "when answered"),
      resolved_at: t("waktu dinyatakan selesai", "when resolved"),
      closed_at: t("waktu ditutup", "when closed"),
      waiting_since: t("menunggu jawaban warga sejak", "waiting for the citizen since"),
      reopened_at: t("waktu dibuka kembali", "when reopened"),
    },
  },
  messages: {
    about: t("Pesan percakapan tiket: dari warga, ke warga, dan catatan staf", "Messages of a ticket's conversation: from and to the citizen, and staff notes"),
    columns: {
      direction: t("arah: inbound (dari warga), outbound (ke warga), internal (catatan)", "direction: inbound (from the citizen), outbound (to the citizen), internal (note)"),
      author_user_id: t("staf penulis (users.id)", "staff author (users.id)"),
      body_html: t("isi HTML yang sudah dibersihkan (e-mail)", "sanitized HTML body (e-mail)"),
      delivery_status: t("status pengiriman ke warga: queued, sent, delivered, read, failed", "delivery to the citizen: queued, sent, delivered, read, failed"),
      sent_at: t("waktu terkirim", "when sent"),
      external_thread_id: t("id utas di penyedia", "thread id at the provider"),
      external_address: t("alamat warga di kanal itu", "the citizen's address on that channel"),
      delivery_error: t("alasan gagal kirim", "why delivery failed"),
      delivered_at: t("waktu diterima warga", "when delivered"),
      failover_connector: t("konektor yang dipakai lewat alih-jalur (mis. whatsapp-cloud), kosong bila lewat jalur sendiri", "connector the message took by fail-over (e.g. whatsapp-cloud); empty on its own route"),
    },
  },
  forwards: {
    about: t("Disposisi tiket ke OPD dan jawabannya", "Forwards (disposisi) of tickets to agencies, and their answers"),
    columns: {
      forwarded_by_user_id: t("operator yang mendisposisikan (users.id)", "operator who forwarded (users.id)"),
      instruction: t("instruksi disposisi", "forwarding instruction"),
      is_open: t("masih menunggu OPD (1)", "still waiting for the agency (1)"),
      assignee_user_id: t("staf OPD yang ditugasi (users.id)", "agency staff assigned (users.id)"),
      acknowledged_by_user_id: t("yang menerima disposisi (users.id)", "who acknowledged it (users.id)"),
      acknowledged_at: t("waktu diterima OPD", "when the agency acknowledged it"),
      answered_by_user_id: t("yang menjawab (users.id)", "who answered (users.id)"),
      answered_at: t("waktu dijawab OPD", "when the agency answered"),
      response: t("jawaban OPD", "the agency's answer"),
      return_reason: t("alasan dikembalikan ke OPD", "why the answer was sent back"),
      field_check: t("cek lapangan jawaban ini: awaiting (menunggu pemeriksa), confirmed (dikonfirmasi), sent_back (dikembalikan)", "field check of this answer: awaiting (a checker), confirmed, sent_back"),
      returned_by_user_id: t("yang mengembalikan (users.id)", "who sent it back (users.id)"),
      returned_at: t("waktu dikembalikan", "when sent back"),
    },
  },
  contacts: {
    about: t("Pelapor (warga)", "Reporters (citizens)"),
    columns: { merged_into_id: t("kontak tujuan bila digabung (contacts.id)", "contact it was merged into (contacts.id)") },
  },
  contact_identities: {
    about: t("Alamat pelapor per kanal (nomor WhatsApp, akun Telegram, e-mail…)", "A reporter's address per channel (WhatsApp number, Telegram account, e-mail…)"),
    columns: { address: t("alamat di kanal itu", "address on that channel"), display_name: t("nama tampilan di kanal", "display name on the channel") },
  },
  contact_merges: {
    about: t("Penggabungan kontak satu warga (identitas yang ditautkan), dengan apa yang dipindahkan agar bisa dibatalkan", "Merges of one citizen's contacts (linked identities), with what moved so they can be undone"),
    columns: {
      merged_contact_id: t("kontak yang digabungkan ke contact_id (contacts.id)", "contact merged into contact_id (contacts.id)"),
      method: t("cara: operator, atau warga dengan kode sekali pakai (citizen)", "how: by an operator, or by the citizen with a one-time code (citizen)"),
      moved_json: t("id identitas dan tiket yang dipindahkan, kolom yang diisi (JSON)", "ids of identities and tickets moved, fields filled (JSON)"),
      created_by_user_id: t("staf yang menggabungkan (users.id; kosong bila warga)", "staff who merged (users.id; empty when the citizen did)"),
      undone_at: t("waktu penggabungan dibatalkan (UTC)", "when the merge was undone (UTC)"),
      undone_by_user_id: t("staf yang membatalkan (users.id)", "staff who undid it (users.id)"),
    },
  },
  contact_link_requests: {
    about: t("Permintaan warga menautkan identitas lain dengan kode sekali pakai (kodenya tidak diekspor)", "Citizens' requests to link another identity by a one-time code (the codes are not exported)"),
    columns: {
      address: t("nomor telepon atau e-mail yang akan ditautkan", "phone number or e-mail address to be linked"),
      outbox_id: t("pesan keluar yang membawa kode (outbox.id)", "outgoing message carrying the code (outbox.id)"),
      attempts: t("tebakan salah", "wrong guesses"),
      expires_at: t("kode berlaku sampai (UTC)", "code valid until (UTC)"),
      used_at: t("waktu kode dipakai (UTC)", "when the code was used (UTC)"),
    },
  },
  attachments: {
    about: t("Lampiran (berkasnya ada di folder lampiran/ arsip ini)", "Attachments (their files are in this archive's lampiran/ folder)"),
    columns: {
      file_name: t("nama berkas", "file name"),
      mime_type: t("jenis berkas (MIME)", "file type (MIME)"),
      size_bytes: t("ukuran (byte)", "size (bytes)"),
      storage_key: t("lokasi berkas di DATA_DIR", "where the file is kept under DATA_DIR"),
      sha256: t("SHA-256 isi berkas", "SHA-256 of the file"),
      uploaded_by_user_id: t("staf pengunggah (users.id)", "staff who uploaded it (users.id)"),
      source_ref: t("rujukan berkas di penyedia", "the file's reference at the provider"),
      fetch_state: t("status pengambilan dari penyedia", "fetch state from the provider"),
      fetch_attempts: t("jumlah percobaan ambil", "fetch attempts"),
      fetch_error: t("galat pengambilan terakhir", "last fetch error"),
    },
  },
  agencies: {
    about: t("OPD (organisasi perangkat daerah)", "Agencies (OPD)"),
    columns: { code: t("kode OPD", "agency code"), short_name: t("nama singkat", "short name"), head_user_id: t("kepala OPD (users.id)", "head of the agency (users.id)"),
      answer_review: t("jawaban OPD ini diperiksa operator sebelum dikirim ke pelapor (1)", "this agency's answers are checked by an operator before they reach the citizen (1)") },
  },
  categories: {
    about: t("Kategori aduan", "Complaint categories"),
    columns: {
      code: t("kode kategori", "category code"),
      name_en: t("nama dalam bahasa Inggris", "name in English"),
      default_agency_id: t("OPD yang biasa menangani (agencies.id)", "agency that usually handles it (agencies.id)"),
      is_public: t("tampil di halaman publik (1)", "shown on the public pages (1)"),
      answer_review: t("jawaban pada kategori ini diperiksa operator sebelum dikirim ke pelapor (1)", "answers in this category are checked by an operator before they reach the citizen (1)"),
      field_check: t("cek lapangan: jawaban yang mengklaim perbaikan fisik wajib berfoto \"sesudah\" dan dikonfirmasi supervisor sebelum selesai (1)", "field check: an answer claiming a physical fix must carry an \"after\" photo and be confirmed by a supervisor before closing (1)"),
      field_checker_user_id: t("pemeriksa lapangan yang ditunjuk selain supervisor (users.id)", "designated field checker besides supervisors (users.id)"),
      auto_forward_threshold: t("keyakinan saran rute (0–1) di atas mana tiket terverifikasi diteruskan otomatis; kosong: tidak pernah", "routing-suggestion confidence (0–1) above which a verified ticket is forwarded automatically; empty: never"),
    },
  },
  users: {
    about: t("Pengguna staf (operator, supervisor, OPD, admin); kata sandi tidak diekspor", "Staff users (operators, supervisors, agencies, admins); passwords are not exported"),
    columns: {
      role: t("peran: operator, supervisor, opd_head, opd_staff, admin, layar (layar pusat kendali)", "role: operator, supervisor, opd_head, opd_staff, admin, layar (command center wall)"),
      locale: t("bahasa konsol", "console language"),
      last_login_at: t("masuk terakhir", "last login"),
      totp_secret: t("rahasia TOTP (terenkripsi)", "TOTP secret (encrypted)"),
      totp_enabled_at: t("waktu verifikasi dua langkah diaktifkan", "when two-factor sign-in was turned on"),
      totp_last_step: t("langkah waktu TOTP terakhir yang dipakai (mencegah kode dipakai ulang)", "last TOTP time step used (against replay)"),
      oidc_subject: t("id pengguna di penyedia identitas (SSO)", "user id at the identity provider (SSO)"),
      notify_digest: t("notifikasi dikirim sebagai ringkasan harian lewat e-mail (1)", "notices are e-mailed as one daily digest (1)"),
    },
  },
  ticket_ratings: {
    about: t("Penilaian warga atas penanganan", "Citizens' ratings of how their case was handled"),
    columns: { rating: t("nilai 1–5", "rating 1–5"), comment: t("komentar warga", "citizen's comment") },
  },
  notifications: {
    about: t("Notifikasi untuk staf (peringatan dan pelanggaran SLA…)", "Notifications to staff (SLA warnings and breaches…)"),
    columns: { sla_event_id: t("peristiwa SLA (sla_events.id)", "SLA event (sla_events.id)"), type: t("jenis notifikasi", "notification type"), title: t("judul", "title"), read_at: t("waktu dibaca", "when read"), emailed_at: t("waktu dikirim lewat e-mail", "when e-mailed") },
  },
  sla_clocks: {
    about: t("Jam SLA per tiket/disposisi (hari kerja)", "SLA clocks per ticket/forward (working days)"),
    columns: {
      state: t("running, paused, stopped", "running, paused, stopped"),
      started_at: t("mulai", "started"),
      pauses_json: t("jeda (JSON)", "pauses (JSON)"),
      warn_at: t("waktu peringatan", "warning time"),
      stopped_at: t("waktu berhenti", "when stopped"),
      breached_at: t("waktu pelanggaran pertama", "first breach"),
      next_event_at: t("peristiwa berikutnya", "next event"),
      legal_basis: t("dasar hukum jam saat mulai (JSON {id, en})", "the clock's legal basis when it started (JSON {id, en})"),
    },
  },
  sla_events: {
    about: t("Peringatan dan pelanggaran SLA yang tercatat", "Recorded SLA warnings and breaches"),
    columns: { clock_kind: t("jenis jam", "clock kind"), level: t("tingkat eskalasi", "escalation level"), recorded_at: t("waktu dicatat", "when recorded") },
  },
  sla_policies: {
    about: t("Kebijakan SLA (tenggat dan tangga eskalasi)", "SLA policies (deadlines and escalation ladders)"),
    columns: { definition: t("definisi (JSON)", "definition (JSON)"), priority: t("hanya untuk tiket berprioritas ini (kosong: semua)", "only for tickets of this priority (empty: any)") },
  },
  calendars: {
    about: t("Kalender kerja", "Working calendars"),
    columns: { time_zone: t("zona waktu (IANA)", "time zone (IANA)"), working_hours: t("jam kerja (JSON)", "working hours (JSON)"), is_default: t("kalender bawaan (1)", "default calendar (1)") },
  },
  calendar_holidays: {
    about: t("Hari libur dan cuti bersama", "Holidays and collective leave days"),
    columns: { date: t("tanggal (YYYY-MM-DD)", "date (YYYY-MM-DD)") },
  },
  transcriptions: {
    about: t("Transkripsi otomatis rekaman telepon di server (whisper, on-premise), satu per rekaman", "On-premise automatic transcripts of recorded calls (whisper), one per recording"),
    columns: {
      state: t("status: pending, done, no-model (model tidak terpasang: transkrip penyedia dipakai), failed", "state: pending, done, no-model (no model installed: the provider's transcript is used), failed"),
      text: t("teks transkrip", "transcript text"),
      engine: t("mesin dan model", "engine and model"),
      attachment_id: t("lampiran rekaman (audio)", "the recording's attachment (audio)"),
      language: t("bahasa transkrip", "language of the transcript"),
      error: t("alasan bila tidak ditranskripsi", "why it was not transcribed"),
      attempts: t("jumlah percobaan", "attempts"),
      audio_ms: t("panjang audio yang dikenali (milidetik)", "length of the recognised audio (milliseconds)"),
      took_ms: t("lama transkripsi (milidetik)", "time the transcription took (milliseconds)"),
      transcribed_at: t("waktu transkripsi", "when it was transcribed"),
    },
  },
  calls: {
    about: t("Panggilan telepon", "Phone calls"),
    columns: {
      call_sid: t("id panggilan di penyedia", "call id at the provider"),
      direction: t("arah panggilan", "call direction"),
      from_address: t("nomor penelepon", "caller's number"),
      to_address: t("nomor tujuan", "number called"),
      answered: t("dijawab (1)", "answered (1)"),
      duration_seconds: t("durasi (detik)", "duration (seconds)"),
      recording_ref: t("rujukan rekaman", "recording reference"),
      ended_at: t("waktu selesai", "when it ended"),
    },
  },
  audit_events: {
    about: t("Log audit berantai hash (siapa melakukan apa, kapan)", "Hash-chained audit log (who did what, when)"),
    columns: {
      chain_key: t("rantai (per tiket atau entitas)", "chain (per ticket or entity)"),
      seq: t("urutan dalam rantai", "position in the chain"),
      actor_user_id: t("pelaku (users.id), kosong bila sistem/warga", "actor (users.id), empty for the system or a citizen"),
      actor_label: t("pelaku untuk dibaca", "actor, readable"),
      type: t("jenis peristiwa", "event type"),
      entity_type: t("jenis entitas", "entity type"),
      entity_id: t("id entitas", "entity id"),
      before_json: t("keadaan sebelum (JSON)", "state before (JSON)"),
      after_json: t("keadaan sesudah (JSON)", "state after (JSON)"),
      prev_hash: t("hash peristiwa sebelumnya", "previous event's hash"),
      hash: t("hash peristiwa ini", "this event's hash"),
    },
  },
  audit_chain_heads: { about: t("Ujung tiap rantai audit", "The head of each audit chain"), technical: true },
  audit_anchors: { about: t("Jangkar audit: hash atas semua ujung rantai", "Audit anchors: a hash over every chain head"), technical: true },
  audit_verifications: { about: t("Hasil pemeriksaan terjadwal rantai audit (rantai, urutan dan alasan peristiwa yang rusak)", "Results of the scheduled audit chain verification (chain, position and reason of each broken event)"), technical: true },
  webhook_endpoints: {
    about: t("Penerima webhook keluar untuk integrasi (rahasia penandatangan tidak diekspor)", "Outgoing webhook receivers of integrations (signing secrets are not exported)"),
    columns: {
      url: t("alamat penerima", "the receiver's URL"),
      events_json: t("peristiwa yang dilanggan (JSON)", "subscribed events (JSON)"),
      scope: t("cakupan data: public (hanya data publik tersamar) atau opd", "data scope: public (masked public data only) or opd"),
      secret_prefix: t("awal rahasia penandatangan, untuk membedakan", "the first characters of the signing secret, to tell them apart"),
      created_by_user_id: t("admin yang mendaftarkan (users.id)", "admin who registered it (users.id)"),
    },
  },
  webhook_deliveries: { about: t("Antrean pengiriman webhook keluar (satu per peristiwa dan penerima)", "Outgoing webhook delivery queue (one per event and receiver)"), technical: true },
  webhook_attempts: { about: t("Log percobaan pengiriman webhook dengan kode jawaban", "Log of webhook delivery attempts with response codes"), technical: true },
  channel_accounts: { about: t("Akun kanal (rahasia penyedia tidak diekspor)", "Channel accounts (provider secrets are not exported)"), columns: {
      connector: t("konektor", "connector"),
      last_error: t("galat terakhir", "last error"),
      failover_account_id: t("akun pasangan alih-jalur WhatsApp (channel_accounts.id)", "WhatsApp fail-over partner account (channel_accounts.id)"),
      failover_template: t("templat Cloud API untuk alih-jalur di luar jendela 24 jam", "Cloud API template for fail-over outside the 24-hour window"),
      rejected_at: t("waktu penyedia menolak kredensial akun", "when the provider refused the account's credentials"),
    } },
  reply_templates: { about: t("Templat balasan otomatis", "Automatic reply templates"), columns: { template_key: t("kunci templat", "template key"), locale: t("bahasa", "language") } },
  open311_keys: { about: t("Kunci API Open311 (kuncinya tidak diekspor)", "Open311 API keys (the keys themselves are not exported)"), technical: true },
  tracking_codes: { about: t("Kode pelacakan sekali pakai (kodenya tidak diekspor)", "One-time tracking codes (the codes are not exported)"), technical: true },
  outbox: { about: t("Antrean pesan keluar ke warga", "Queue of outgoing messages to citizens"), technical: true },
  inbound_receipts: { about: t("Tanda terima pesan masuk (mencegah duplikat)", "Receipts of inbound messages (against duplicates)"), technical: true },
  early_delivery_updates: { about: t("Laporan status pengiriman yang datang lebih dulu", "Delivery reports that arrived early"), technical: true },
  ticket_counters: { about: t("Penghitung nomor tiket per periode", "Ticket number counters per period"), technical: true },
  jobs: { about: t("Antrean pekerjaan latar (worker)", "Background job queue (worker)"), technical: true },
  job_logs: { about: t("Log pekerjaan latar", "Background job log"), technical: true },
  login_throttles: { about: t("Pembatas percobaan masuk", "Login throttling"), technical: true },
  public_throttles: { about: t("Pembatas formulir publik", "Public form throttling"), technical: true },
  session_leases: { about: t("Kepemilikan sesi konektor (WhatsApp Web, IMAP)", "Connector session ownership (WhatsApp Web, IMAP)"), technical: true },
  data_subject_requests: {
    about: t("Permintaan subjek data (UU PDP 27/2022): akses, perbaikan, penghapusan", "Data subject requests (UU PDP 27/2022): access, correction, erasure"),
    columns: {
      contact_ids_json: t("kontak yang dimaksud (JSON)", "contacts concerned (JSON)"),
      ticket_ids_json: t("tiket yang dimaksud (JSON)", "tickets concerned (JSON)"),
      received_at: t("waktu permintaan diterima", "when the request was received"),
      completed_at: t("waktu diselesaikan", "when completed"),
      created_by_user_id: t("staf pencatat (users.id)", "staff who recorded it (users.id)"),
      completed_by_user_id: t("staf penyelesai (users.id)", "staff who completed it (users.id)"),
      outcome_json: t("hasil (JSON, tanpa data pribadi)", "outcome (JSON, without personal data)"),
    },
  },
  retention_settings: {
    about: t("Kebijakan retensi data pribadi", "Personal data retention policy"),
    columns: { enabled: t("aktif (1)", "on (1)"), years_after_closure: t("tahun setelah tiket ditutup", "years after the ticket closed"), basis: t("dasar (jadwal retensi arsip)", "basis (archive retention schedule)"), updated_by_user_id: t("diubah oleh (users.id)", "changed by (users.id)") },
  },
  retention_erasures: { about: t("Tiket yang data pribadinya sudah dianonimkan oleh retensi", "Tickets whose personal data retention has anonymised"), columns: { erased_at: t("waktu dianonimkan", "when anonymised") } },
  role_security: { about: t("Kewajiban verifikasi dua langkah per peran", "Two-factor requirement per role"), technical: true },
  report_month_rollups: {
    about: t("Angka kinerja per OPD per bulan (turunan, dihitung ulang oleh pekerjaan terjadwal)", "Performance figures per agency per month (derived, recomputed by a scheduled job)"),
    columns: { month: t("bulan (YYYY-MM)", "month (YYYY-MM)"), agency_id: t("OPD (agencies.id)", "agency (agencies.id)"), figures: t("angka bulan itu (JSON)", "the month's figures (JSON)"), computed_at: t("waktu dihitung", "when computed") },
  },
  user_recovery_codes: { about: t("Kode pemulihan dua langkah (kodenya tidak diekspor)", "Two-factor recovery codes (the codes are not exported)"), technical: true },
  tracking_links: { about: t("Tautan pelacakan yang dikirim ke warga (rahasianya tidak diekspor)", "Tracking links sent to citizens (their secrets are not exported)"), technical: true },
  ticket_publications: {
    about: t("Versi publik laporan yang disetujui operator", "The public version of reports an operator approved"),
    columns: {
      description: t("uraian yang dipublikasikan", "published description"),
      location_text: t("lokasi yang dipublikasikan", "published location"),
      answers: t("jawaban OPD yang dipublikasikan (JSON)", "published agency answers (JSON)"),
      redactions: t("frasa yang disamarkan operator (JSON)", "phrases the operator redacted (JSON)"),
      approved_by_user_id: t("disetujui oleh (users.id)", "approved by (users.id)"),
      approved_at: t("waktu disetujui", "when approved"),
    },
  },
  public_reports: {
    about: t(
      "Laporan publik yang sudah disamarkan, satu baris per tiket yang boleh tampil (turunan, ditulis ulang setiap tiket berubah)",
      "Public reports, already masked, one row per ticket that may be shown (derived, rewritten whenever the ticket changes)",
    ),
    columns: {
      number: t("nomor tiket", "ticket number"),
      received_at: t("waktu tiket diterima (UTC)", "when the ticket was received (UTC)"),
      report: t("laporan seperti tampil di halaman publik, nama pelapor, NIK, telepon dan e-mail sudah disamarkan (JSON)", "the report as the public pages show it, reporter names, NIK, phones and e-mails already masked (JSON)"),
    },
  },
  public_reports_backfill: { about: t("Kemajuan pengisian public_reports untuk tiket lama", "Progress of filling public_reports for older tickets"), technical: true },
  ticket_locations: {
    about: t("Koordinat tiket untuk peta pusat kendali (satu baris per tiket berkoordinat)", "Ticket coordinates for the command center's map (one row per geolocated ticket)"),
    columns: {
      received_at: t("waktu tiket diterima (UTC)", "when the ticket was received (UTC)"),
      latitude: t("lintang (WGS84)", "latitude (WGS84)"),
      longitude: t("bujur (WGS84)", "longitude (WGS84)"),
    },
  },
  public_photos: {
    about: t("Foto lampiran yang disetujui operator untuk halaman laporan publik dan media_url Open311 (salinan tanpa EXIF)", "Attachment photos an operator approved for the public report page and Open311 media_url (copies without EXIF)"),
    columns: {
      attachment_id: t("lampiran asli (attachments.id)", "the original attachment (attachments.id)"),
      stage: t("before: foto masalah dari pelapor; after: foto hasil perbaikan dari OPD", "before: the citizen's photo of the problem; after: the agency's photo of the fix"),
      storage_key: t("lokasi salinan tanpa metadata di DATA_DIR", "where the metadata-free copy is kept under DATA_DIR"),
      thumb_key: t("lokasi salinan kecil tanpa metadata di DATA_DIR", "where the small metadata-free copy is kept under DATA_DIR"),
      width: t("lebar salinan (piksel)", "the copy's width (pixels)"),
      height: t("tinggi salinan (piksel)", "the copy's height (pixels)"),
      thumb_width: t("lebar salinan kecil (piksel)", "the small copy's width (pixels)"),
      thumb_height: t("tinggi salinan kecil (piksel)", "the small copy's height (pixels)"),
      size_bytes: t("ukuran salinan (byte)", "the copy's size (bytes)"),
      approved_by_user_id: t("operator yang menyetujui (users.id)", "operator who approved it (users.id)"),
    },
  },
  wall_photos: {
    about: t("Foto lampiran yang ditandai operator \"boleh tampil\" di layar pusat kendali (salinan tanpa EXIF)", "Attachment photos an operator marked \"may be shown\" on the command center's wall (copies without EXIF)"),
    columns: {
      attachment_id: t("lampiran asli (attachments.id)", "the original attachment (attachments.id)"),
      storage_key: t("lokasi salinan tanpa metadata di DATA_DIR", "where the metadata-free copy is kept under DATA_DIR"),
      mime_type: t("jenis berkas salinan (MIME)", "the copy's file type (MIME)"),
      width: t("lebar salinan (piksel)", "the copy's width (pixels)"),
      height: t("tinggi salinan (piksel)", "the copy's height (pixels)"),
      size_bytes: t("ukuran salinan (byte)", "the copy's size (bytes)"),
      marked_by_user_id: t("operator yang menandai (users.id)", "operator who marked it (users.id)"),
    },
  },
  wall_rollup_days: {
    about: t("Rekap harian layar pusat kendali per kanal, OPD dan kategori (dari log audit)", "The command center wall's daily rollup per channel, agency and category (from the audit log)"),
    columns: {
      day: t("tanggal (WIB)", "day (WIB)"),
      channel: t("kanal", "channel"),
      agency_id: t("OPD (agencies.id; 0: tanpa OPD)", "agency (agencies.id; 0: none)"),
      category_id: t("kategori (categories.id; 0: tanpa kategori)", "category (categories.id; 0: none)"),
      received: t("aduan diterima", "complaints received"),
      verified: t("diverifikasi", "verified"),
      rejected: t("ditolak", "rejected"),
      forwarded: t("disposisi dibuat", "forwards created"),
      answered: t("dijawab OPD", "answered by an agency"),
      resolved: t("diselesaikan", "resolved"),
      closed: t("ditutup", "closed"),
      warned: t("peringatan SLA", "SLA warnings"),
      breached: t("pelanggaran SLA", "SLA breaches"),
    },
  },
  wall_rollup_hours: { about: t("Aduan diterima per jam (WIB) per kanal", "Complaints received per hour (WIB) per channel"), columns: { hour: t("jam (WIB)", "hour (WIB)"), channel: t("kanal", "channel"), received: t("aduan diterima", "complaints received") } },
  rollup_state: { about: t("Posisi pembaca log audit untuk rekap", "The rollups' position in the audit log"), technical: true },
  rollup_applied: { about: t("Peristiwa audit yang sudah direkap (di atas posisi)", "Audit events already rolled up (above the position)"), technical: true },
  ticket_presence: { about: t("Siapa sedang membuka tiket di konsol", "Who has a ticket open in the console"), technical: true },
  routing_models: {
    about: t("Model saran kategori dan OPD, dilatih dari tiket terverifikasi", "Category and OPD suggestion models, trained on verified tickets"),
    columns: {
      source: t("sumber: corpus (korpus bawaan) atau tickets (tiket provinsi)", "source: corpus (shipped corpus) or tickets (the province's tickets)"),
      examples: t("jumlah contoh latih", "number of training examples"),
      model_json: t("model (JSON: bobot kata per kategori, tanpa teks aduan)", "the model (JSON: word weights per category, no complaint text)"),
      evaluation_json: t("akurasi pada data uji (JSON)", "held-out accuracy (JSON)"),
      trained_at: t("waktu dilatih", "when trained"),
    },
  },
  sessions: { about: t("Sesi konsol", "Console sessions"), omit: t("tidak diekspor: kredensial sesi", "not exported: session credentials") },
};

const TECHNICAL = t("kolom teknis", "technical column");

/** The description of a column, or null when it has none (the dictionary test fails then). */
export function describeColumn(table: string, column: string): Text | null {
  const doc = SCHEMA_DICTIONARY[table];
  if (!doc) return null;
  return doc.columns?.[column] ?? COMMON[column] ?? (doc.technical ? TECHNICAL : null);
}

export const isSecretColumn = (table: string, column: string) => SECRET_COLUMNS[table]?.includes(column) ?? false;
