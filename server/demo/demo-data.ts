import type { ChannelKind } from "../../channels/rules/channel-kinds.js";
/** The demo province's OPDs, categories and people. Passwords are printed at start-up. */
export const DEMO_PASSWORD = "aduan-demo";

export const DEMO_AGENCIES = [
  { code: "DPU", name: "Dinas Pekerjaan Umum dan Penataan Ruang", shortName: "Dinas PU" },
  { code: "DINKES", name: "Dinas Kesehatan", shortName: "Dinas Kesehatan" },
  { code: "DISDIK", name: "Dinas Pendidikan", shortName: "Dinas Pendidikan" },
  { code: "DISHUB", name: "Dinas Perhubungan", shortName: "Dinas Perhubungan" },
  { code: "DINSOS", name: "Dinas Sosial", shortName: "Dinas Sosial" },
  { code: "DLH", name: "Dinas Lingkungan Hidup", shortName: "Dinas LH" },
  { code: "DISKOMINFO", name: "Dinas Komunikasi dan Informatika", shortName: "Diskominfo" },
] as const;

export const DEMO_CATEGORIES = [
  { code: "jalan-jembatan", name: "Jalan dan jembatan", nameEn: "Roads and bridges", agency: "DPU", complaintClass: "general" },
  { code: "drainase-banjir", name: "Drainase dan banjir", nameEn: "Drainage and flooding", agency: "DPU", complaintClass: "general" },
  { code: "layanan-kesehatan", name: "Layanan puskesmas dan rumah sakit", nameEn: "Health services", agency: "DINKES", complaintClass: "general" },
  { code: "obat-vaksin", name: "Obat dan vaksin", nameEn: "Medicines and vaccines", agency: "DINKES", complaintClass: "investigation" },
  { code: "sekolah", name: "Sekolah dan PPDB", nameEn: "Schools and admissions", agency: "DISDIK", complaintClass: "general" },
  { code: "pungli-sekolah", name: "Pungutan liar di sekolah", nameEn: "Illegal levies at schools", agency: "DISDIK", complaintClass: "investigation" },
  { code: "angkutan-umum", name: "Angkutan umum dan terminal", nameEn: "Public transport", agency: "DISHUB", complaintClass: "general" },
  { code: "lampu-lalu-lintas", name: "Lampu lalu lintas dan rambu", nameEn: "Traffic lights and signs", agency: "DISHUB", complaintClass: "general" },
  { code: "bansos", name: "Bantuan sosial", nameEn: "Social assistance", agency: "DINSOS", complaintClass: "investigation" },
  { code: "sampah", name: "Sampah dan kebersihan", nameEn: "Waste and cleanliness", agency: "DLH", complaintClass: "general" },
  { code: "pencemaran", name: "Pencemaran lingkungan", nameEn: "Pollution", agency: "DLH", complaintClass: "investigation" },
  { code: "informasi-publik", name: "Permintaan informasi publik", nameEn: "Requests for public information", agency: null, complaintClass: "general" },
] as const;

export const DEMO_USERS = [
  { email: "admin@demo.aduan.id", name: "Admin Kominfo", role: "admin", agency: null },
  { email: "supervisor@demo.aduan.id", name: "Kepala Pelaksana Harian", role: "supervisor", agency: null },
  { email: "operator@demo.aduan.id", name: "Operator Pusat Kendali", role: "operator", agency: null },
  { email: "operator2@demo.aduan.id", name: "Operator Shift Malam", role: "operator", agency: null },
  { email: "kepala.pu@demo.aduan.id", name: "Kepala Dinas PU", role: "opd_head", agency: "DPU" },
  { email: "staf.pu@demo.aduan.id", name: "Staf Dinas PU", role: "opd_staff", agency: "DPU" },
  { email: "kepala.dinkes@demo.aduan.id", name: "Kepala Dinas Kesehatan", role: "opd_head", agency: "DINKES" },
  { email: "kepala.disdik@demo.aduan.id", name: "Kepala Dinas Pendidikan", role: "opd_head", agency: "DISDIK" },
  { email: "kepala.dishub@demo.aduan.id", name: "Kepala Dinas Perhubungan", role: "opd_head", agency: "DISHUB" },
  { email: "kepala.dinsos@demo.aduan.id", name: "Kepala Dinas Sosial", role: "opd_head", agency: "DINSOS" },
  { email: "kepala.dlh@demo.aduan.id", name: "Kepala Dinas Lingkungan Hidup", role: "opd_head", agency: "DLH" },
  { email: "kepala.kominfo@demo.aduan.id", name: "Kepala Dinas Kominfo", role: "opd_head", agency: "DISKOMINFO" },
  { email: "layar@demo.aduan.id", name: "Layar Pusat Kendali", role: "layar", agency: null },
] as const;

type Step = "verify" | "forward" | "acknowledge" | "answer" | "resolve" | "close" | "return" | "reject" | "request_info";

/** Complaints of the demo, each with the path it has taken so far. */
export const DEMO_TICKETS: {
  text: string;
  category: (typeof DEMO_CATEGORIES)[number]["code"];
  channel: ChannelKind;
  privacy: "publik" | "anonim" | "rahasia";
  citizen: { name: string; phone?: string; email?: string };
  to?: (typeof DEMO_AGENCIES)[number]["code"];
  steps: Step[];
}[] = [
  { text: "Jalan di depan Pasar Minggu berlubang besar, sudah dua motor jatuh minggu ini.", category: "jalan-jembatan", channel: "sms", privacy: "publik", citizen: { name: "Budi Santoso", phone: "081234567801" }, to: "DPU", steps: ["verify", "forward"] },
  { text: "Jembatan kayu di Desa Sukamaju lapuk dan miring, anak sekolah takut melintas.", category: "jalan-jembatan", channel: "whatsapp", privacy: "publik", citizen: { name: "Siti Aminah", phone: "081234567802" }, to: "DPU", steps: ["verify", "forward", "acknowledge"] },
  { text: "Saluran air di Jl. Melati tersumbat, setiap hujan rumah warga kebanjiran.", category: "drainase-banjir", channel: "telegram", privacy: "publik", citizen: { name: "Agus Wijaya", phone: "081234567803" }, to: "DPU", steps: ["verify", "forward", "acknowledge", "answer"] },
  { text: "Perbaikan jalan provinsi ruas Cikarang dikerjakan asal-asalan, aspal sudah mengelupas.", category: "jalan-jembatan", channel: "email", privacy: "anonim", citizen: { name: "Rahmat Hidayat", email: "rahmat.h@example.id" }, to: "DPU", steps: ["verify", "forward"] },
  { text: "Ada dugaan kontraktor proyek gorong-gorong meminta uang tambahan kepada warga.", category: "drainase-banjir", channel: "voice", privacy: "rahasia", citizen: { name: "Dewi Lestari", phone: "081234567805" }, to: "DPU", steps: ["verify", "forward", "acknowledge"] },
  { text: "Lampu penerangan jalan di underpass mati sejak sebulan.", category: "jalan-jembatan", channel: "x", privacy: "publik", citizen: { name: "Yoga Pratama", phone: "081234567806" }, to: "DPU", steps: ["verify", "forward", "acknowledge", "answer", "resolve"] },
  { text: "Trotoar di Jl. Sudirman rusak dan dipakai parkir liar.", category: "jalan-jembatan", channel: "web", privacy: "publik", citizen: { name: "Nur Hasanah", email: "nur.hasanah@example.id" }, to: "DPU", steps: ["verify", "forward", "acknowledge", "answer", "resolve", "close"] },
  { text: "Antrean di Puskesmas Cibeunying sangat panjang, loket baru buka jam 9.", category: "layanan-kesehatan", channel: "sms", privacy: "publik", citizen: { name: "Ani Suryani", phone: "081234567808" }, to: "DINKES", steps: ["verify", "forward"] },
  { text: "Stok obat hipertensi di puskesmas kosong dua minggu, pasien disuruh beli sendiri.", category: "obat-vaksin", channel: "whatsapp", privacy: "anonim", citizen: { name: "Hendra Gunawan", phone: "081234567809" }, to: "DINKES", steps: ["verify", "forward", "acknowledge"] },
  { text: "Petugas RSUD meminta biaya untuk pasien BPJS kelas 3.", category: "layanan-kesehatan", channel: "voice", privacy: "rahasia", citizen: { name: "Lina Marlina", phone: "081234567810" }, to: "DINKES", steps: ["verify", "forward"] },
  { text: "Ambulans desa tidak bisa dihubungi malam hari.", category: "layanan-kesehatan", channel: "facebook", privacy: "publik", citizen: { name: "Joko Susilo", phone: "081234567811" }, to: "DINKES", steps: ["verify", "forward", "acknowledge", "answer"] },
  { text: "Jadwal imunisasi di posyandu RW 04 tidak diumumkan.", category: "obat-vaksin", channel: "instagram", privacy: "publik", citizen: { name: "Rina Kartika", phone: "081234567812" }, to: "DINKES", steps: ["verify", "forward", "acknowledge", "answer", "resolve", "close"] },
  { text: "Sekolah meminta sumbangan wajib Rp 500.000 untuk seragam.", category: "pungli-sekolah", channel: "sms", privacy: "anonim", citizen: { name: "Wahyu Nugroho", phone: "081234567813" }, to: "DISDIK", steps: ["verify", "forward"] },
  { text: "Atap ruang kelas SDN 3 bocor, murid belajar di lorong.", category: "sekolah", channel: "web", privacy: "publik", citizen: { name: "Sri Wahyuni", email: "sri.w@example.id" }, to: "DISDIK", steps: ["verify", "forward", "acknowledge", "answer"] },
  { text: "Angkot trayek 05 sering ngetem lama dan menaikkan tarif.", category: "angkutan-umum", channel: "telegram", privacy: "publik", citizen: { name: "Dimas Saputra", phone: "081234567815" }, to: "DISHUB", steps: ["verify", "forward", "acknowledge"] },
  { text: "Lampu lalu lintas simpang Dago mati sejak kemarin, macet parah.", category: "lampu-lalu-lintas", channel: "x", privacy: "publik", citizen: { name: "Fajar Ramadhan", phone: "081234567816" }, to: "DISHUB", steps: ["verify", "forward", "return"] },
  { text: "Nama kami tidak masuk daftar penerima PKH padahal sudah disurvei.", category: "bansos", channel: "voice", privacy: "publik", citizen: { name: "Sumarni", phone: "081234567817" }, to: "DINSOS", steps: ["verify", "forward"] },
  { text: "Pembagian sembako bansos di kelurahan diduga dipotong oknum.", category: "bansos", channel: "whatsapp", privacy: "rahasia", citizen: { name: "Teguh Prasetyo", phone: "081234567818" }, to: "DINSOS", steps: ["verify", "forward", "acknowledge"] },
  { text: "Sampah di TPS Jl. Kenanga tidak diangkut seminggu, bau menyengat.", category: "sampah", channel: "sms", privacy: "publik", citizen: { name: "Ratna Sari", phone: "081234567819" }, to: "DLH", steps: ["verify", "forward", "acknowledge", "answer"] },
  { text: "Pabrik tekstil membuang limbah ke sungai Citarum pada malam hari.", category: "pencemaran", channel: "email", privacy: "anonim", citizen: { name: "Bambang Sutrisno", email: "bambang.s@example.id" }, to: "DLH", steps: ["verify", "forward"] },
  { text: "Jalan lingkungan di Perumahan Griya Asri rusak, mohon diperbaiki.", category: "jalan-jembatan", channel: "sms", privacy: "publik", citizen: { name: "Eko Purnomo", phone: "081234567821" }, steps: [] },
  { text: "Genangan air di depan SMPN 2 setiap hujan deras.", category: "drainase-banjir", channel: "whatsapp", privacy: "publik", citizen: { name: "Yuni Astuti", phone: "081234567822" }, steps: [] },
  { text: "Bagaimana cara mengurus kartu BPJS PBI untuk lansia?", category: "informasi-publik", channel: "telegram", privacy: "publik", citizen: { name: "Slamet Riyadi", phone: "081234567823" }, steps: [] },
  { text: "Puskesmas keliling tidak datang sesuai jadwal di Desa Mekarsari.", category: "layanan-kesehatan", channel: "voice", privacy: "publik", citizen: { name: "Endang Kusuma", phone: "081234567824" }, steps: ["verify"] },
  { text: "Guru honorer belum menerima gaji tiga bulan.", category: "sekolah", channel: "email", privacy: "anonim", citizen: { name: "Indra Permana", email: "indra.p@example.id" }, steps: ["verify"] },
  { text: "Promo pinjaman online, hubungi kami segera!!!", category: "informasi-publik", channel: "sms", privacy: "publik", citizen: { name: "Spam", phone: "081234567826" }, steps: ["reject"] },
  { text: "Halte bus Trans di Jl. Asia Afrika rusak atapnya.", category: "angkutan-umum", channel: "facebook", privacy: "publik", citizen: { name: "Ahmad Fauzi", phone: "081234567827" }, steps: ["request_info"] },
  { text: "Tumpukan sampah liar di bantaran sungai dekat jembatan.", category: "sampah", channel: "instagram", privacy: "publik", citizen: { name: "Maya Sari", phone: "081234567828" }, to: "DLH", steps: ["verify", "forward", "acknowledge", "answer", "resolve"] },
  { text: "Jalan tembus ke RSUD berlubang, ambulans harus memutar.", category: "jalan-jembatan", channel: "voice", privacy: "publik", citizen: { name: "Hadi Kurniawan", phone: "081234567829" }, to: "DPU", steps: ["verify", "forward"] },
  { text: "Kolam retensi tidak dirawat, jadi sarang nyamuk.", category: "drainase-banjir", channel: "web", privacy: "publik", citizen: { name: "Wulan Dari", email: "wulan.d@example.id" }, to: "DINKES", steps: ["verify", "forward", "acknowledge"] },
  { text: "Dugaan penyalahgunaan dana BOS di SMA swasta.", category: "pungli-sekolah", channel: "email", privacy: "rahasia", citizen: { name: "Kurniasih", email: "kurniasih@example.id" }, to: "DISDIK", steps: ["verify", "forward"] },
  { text: "Parkir liar di depan terminal memakan separuh jalan.", category: "angkutan-umum", channel: "sms", privacy: "publik", citizen: { name: "Rudi Hartono", phone: "081234567832" }, to: "DISHUB", steps: ["verify", "forward", "acknowledge", "answer", "resolve", "close"] },
];
