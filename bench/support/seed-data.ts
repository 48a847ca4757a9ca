/**
 * Reference data and text fragments for synthetic Indonesian complaint data (seed-bulk.ts).
 * Plausible, not real: names, places and numbers are invented.
 */
import type { ChannelKind } from "../../channels/rules/channel-kinds.js";

export interface AgencySeed {
  code: string;
  name: string;
  shortName: string;
  /** Relative share of forwards that do not follow a category default. */
  weight: number;
}

/** Six OPDs of a province, the busiest first. More are generated if asked for. */
export const AGENCIES: readonly AgencySeed[] = [
  { code: "DPUPR", name: "Dinas Pekerjaan Umum dan Penataan Ruang", shortName: "Dinas PUPR", weight: 30 },
  { code: "DISHUB", name: "Dinas Perhubungan", shortName: "Dishub", weight: 20 },
  { code: "DINKES", name: "Dinas Kesehatan", shortName: "Dinkes", weight: 17 },
  { code: "DISDIK", name: "Dinas Pendidikan", shortName: "Disdik", weight: 14 },
  { code: "DLHK", name: "Dinas Lingkungan Hidup dan Kehutanan", shortName: "DLHK", weight: 11 },
  { code: "DINSOS", name: "Dinas Sosial", shortName: "Dinsos", weight: 8 },
];

export interface CategorySeed {
  code: string;
  name: string;
  nameEn: string;
  /** Index into the seeded agencies (null: the operator chooses). */
  agency: number | null;
  complaintClass: "general" | "investigation";
  isPublic: boolean;
  /** Relative share of tickets. */
  weight: number;
  subjects: readonly string[];
  details: readonly string[];
}

export const CATEGORIES: readonly CategorySeed[] = [
  { code: "jalan-rusak", name: "Jalan rusak", nameEn: "Damaged road", agency: 0, complaintClass: "general", isPublic: true, weight: 14,
    subjects: ["Jalan berlubang", "Jalan rusak parah", "Aspal mengelupas", "Jembatan retak"],
    details: ["Lubang di tengah jalan sudah membahayakan pengendara motor.", "Sudah ada beberapa kecelakaan karena jalan ini.", "Kerusakan makin parah setelah hujan deras minggu lalu."] },
  { code: "drainase", name: "Drainase dan banjir", nameEn: "Drainage and flooding", agency: 0, complaintClass: "general", isPublic: true, weight: 8,
    subjects: ["Saluran air tersumbat", "Banjir setiap hujan", "Gorong-gorong ambruk"],
    details: ["Air meluap ke rumah warga setiap kali hujan turun.", "Saluran tertutup sampah dan lumpur sejak berbulan-bulan."] },
  { code: "air-bersih", name: "Air bersih", nameEn: "Clean water", agency: 0, complaintClass: "general", isPublic: true, weight: 4,
    subjects: ["Air PDAM tidak mengalir", "Air keruh dan berbau"],
    details: ["Sudah tiga hari air tidak mengalir sama sekali.", "Warga terpaksa membeli air galon untuk memasak."] },
  { code: "tata-ruang", name: "Bangunan tanpa izin", nameEn: "Unlicensed building", agency: 0, complaintClass: "general", isPublic: true, weight: 3,
    subjects: ["Bangunan liar di sempadan sungai", "Pembangunan tanpa izin"],
    details: ["Bangunan berdiri di atas saluran dan menghambat aliran air.", "Pembangunan berlangsung siang malam tanpa papan izin."] },
  { code: "lampu-jalan", name: "Penerangan jalan umum", nameEn: "Street lighting", agency: 1, complaintClass: "general", isPublic: true, weight: 6,
    subjects: ["Lampu jalan mati", "PJU padam"],
    details: ["Jalan gelap gulita pada malam hari dan rawan begal.", "Sudah dilaporkan ke kelurahan tetapi belum diperbaiki."] },
  { code: "angkutan-umum", name: "Angkutan umum", nameEn: "Public transport", agency: 1, complaintClass: "general", isPublic: true, weight: 5,
    subjects: ["Angkot ngetem sembarangan", "Tarif bus tidak sesuai", "Halte rusak"],
    details: ["Sopir menaikkan tarif seenaknya kepada penumpang.", "Kendaraan berhenti di tengah jalan dan menyebabkan macet."] },
  { code: "parkir-liar", name: "Parkir liar", nameEn: "Illegal parking", agency: 1, complaintClass: "general", isPublic: true, weight: 4,
    subjects: ["Parkir liar di trotoar", "Juru parkir liar memungut tarif"],
    details: ["Trotoar dipakai parkir sehingga pejalan kaki turun ke jalan.", "Tarif parkir dipungut tanpa karcis resmi."] },
  { code: "lalu-lintas", name: "Lalu lintas", nameEn: "Traffic", agency: 1, complaintClass: "general", isPublic: true, weight: 3,
    subjects: ["Lampu lalu lintas rusak", "Kemacetan parah di persimpangan"],
    details: ["Lampu merah mati sejak kemarin sore.", "Kemacetan terjadi setiap pagi pada jam berangkat sekolah."] },
  { code: "layanan-rs", name: "Pelayanan rumah sakit", nameEn: "Hospital service", agency: 2, complaintClass: "general", isPublic: true, weight: 6,
    subjects: ["Antrean rumah sakit terlalu lama", "Pasien ditolak IGD", "Pelayanan perawat kurang ramah"],
    details: ["Pasien menunggu lebih dari enam jam tanpa kepastian.", "Keluarga pasien diminta membayar di muka."] },
  { code: "bpjs-kesehatan", name: "Jaminan kesehatan", nameEn: "Health insurance", agency: 2, complaintClass: "general", isPublic: false, weight: 4,
    subjects: ["Kartu BPJS tidak aktif", "Obat tidak ditanggung"],
    details: ["Iuran sudah dibayar tetapi kartu dinyatakan tidak aktif.", "Pasien diminta membeli obat sendiri di luar."] },
  { code: "puskesmas", name: "Puskesmas", nameEn: "Community health centre", agency: 2, complaintClass: "general", isPublic: true, weight: 3,
    subjects: ["Puskesmas tutup pada jam layanan", "Stok vaksin habis"],
    details: ["Petugas tidak ada di tempat pada jam kerja.", "Warga sudah datang dua kali dan disuruh kembali."] },
  { code: "ppdb", name: "Penerimaan peserta didik baru", nameEn: "School admission", agency: 3, complaintClass: "general", isPublic: true, weight: 5,
    subjects: ["Masalah zonasi PPDB", "Situs PPDB tidak bisa diakses"],
    details: ["Rumah kami dekat sekolah tetapi anak tidak diterima.", "Pendaftaran daring gagal terus sampai batas waktu."] },
  { code: "pungutan-sekolah", name: "Pungutan di sekolah", nameEn: "School levies", agency: 3, complaintClass: "investigation", isPublic: false, weight: 3,
    subjects: ["Pungutan uang seragam", "Iuran bangunan sekolah"],
    details: ["Orang tua diminta membayar sumbangan wajib dengan nominal tertentu.", "Siswa yang belum membayar tidak boleh ikut ujian."] },
  { code: "sarana-sekolah", name: "Sarana sekolah", nameEn: "School facilities", agency: 3, complaintClass: "general", isPublic: true, weight: 3,
    subjects: ["Atap kelas bocor", "Toilet sekolah rusak"],
    details: ["Murid belajar di ruang kelas yang atapnya hampir roboh.", "Kerusakan sudah dilaporkan sejak tahun ajaran lalu."] },
  { code: "sampah", name: "Sampah dan kebersihan", nameEn: "Waste and cleanliness", agency: 4, complaintClass: "general", isPublic: true, weight: 8,
    subjects: ["Sampah menumpuk di TPS", "Truk sampah tidak datang", "Pembuangan sampah liar"],
    details: ["Bau menyengat tercium sampai ke permukiman.", "Sampah sudah seminggu tidak diangkut petugas."] },
  { code: "pencemaran", name: "Pencemaran lingkungan", nameEn: "Pollution", agency: 4, complaintClass: "investigation", isPublic: true, weight: 3,
    subjects: ["Limbah pabrik dibuang ke sungai", "Asap pembakaran mengganggu"],
    details: ["Air sungai berubah warna dan ikan mati.", "Warga mengalami sesak napas karena asap."] },
  { code: "pohon-tumbang", name: "Pohon dan taman", nameEn: "Trees and parks", agency: 4, complaintClass: "general", isPublic: true, weight: 2,
    subjects: ["Pohon rawan tumbang", "Taman kota tidak terawat"],
    details: ["Dahan besar menggantung di atas jalan.", "Fasilitas taman rusak dan tidak pernah dibersihkan."] },
  { code: "bansos", name: "Bantuan sosial", nameEn: "Social assistance", agency: 5, complaintClass: "general", isPublic: false, weight: 5,
    subjects: ["Bansos tidak tepat sasaran", "Bantuan belum diterima"],
    details: ["Warga mampu menerima bantuan sedangkan yang miskin tidak.", "Nama kami terdaftar tetapi bantuan belum cair."] },
  { code: "orang-terlantar", name: "Orang terlantar", nameEn: "Neglected persons", agency: 5, complaintClass: "general", isPublic: false, weight: 2,
    subjects: ["Lansia terlantar", "Anak jalanan di persimpangan"],
    details: ["Seorang lansia tinggal sendiri tanpa ada yang merawat.", "Mohon petugas sosial segera datang ke lokasi."] },
  { code: "pungli", name: "Pungutan liar pelayanan publik", nameEn: "Extortion in public services", agency: null, complaintClass: "investigation", isPublic: false, weight: 3,
    subjects: ["Pungli pengurusan dokumen", "Petugas meminta uang pelicin"],
    details: ["Petugas meminta sejumlah uang agar berkas cepat selesai.", "Tanpa uang tambahan, berkas dikatakan hilang."] },
];

export const CHANNELS: readonly ChannelKind[] = ["whatsapp", "sms", "telegram", "email", "web", "voice", "facebook", "instagram", "x"];
/** Share of citizens whose first channel is each of CHANNELS. */
export const CHANNEL_WEIGHTS: readonly number[] = [36, 9, 8, 12, 15, 9, 5, 4, 2];

export const FIRST_NAMES = ["Agus", "Budi", "Siti", "Dewi", "Rina", "Andi", "Asep", "Yanti", "Dedi", "Nur", "Eko", "Sri", "Wahyu", "Lestari", "Hendra", "Ujang", "Ratna", "Fajar", "Putri", "Iwan", "Rudi", "Maya", "Teguh", "Intan", "Joko"];
export const LAST_NAMES = ["Saputra", "Wijaya", "Hidayat", "Kusuma", "Santoso", "Rahmawati", "Setiawan", "Nugroho", "Pratama", "Suryani", "Gunawan", "Hasanah", "Permana", "Lubis", "Siregar", "Nasution", "Sulistyo", "Firmansyah"];

export const STREETS = ["Jl. Merdeka", "Jl. Sudirman", "Jl. Ahmad Yani", "Jl. Diponegoro", "Jl. Gatot Subroto", "Jl. Pahlawan", "Jl. Siliwangi", "Jl. Asia Afrika", "Jl. Cikutra", "Jl. Soekarno-Hatta"];
export const KELURAHAN = ["Sukamaju", "Sukajadi", "Cibeunying", "Margahayu", "Cipamokolan", "Antapani", "Sekeloa", "Kebon Jeruk", "Pasirkaliki", "Cigadung", "Mekarwangi", "Sindangjaya"];
export const KECAMATAN = ["Coblong", "Sumur Bandung", "Cicendo", "Arcamanik", "Kiaracondong", "Buahbatu", "Rancasari", "Cibiru", "Bojongloa", "Lengkong"];
export const CITIES = ["Kota Bandung", "Kab. Bandung", "Kota Cimahi", "Kab. Garut", "Kota Bogor", "Kab. Cirebon", "Kota Bekasi", "Kab. Sumedang"];

export const OPENINGS = ["Selamat siang, saya ingin melaporkan", "Mohon bantuan, di lingkungan kami ada", "Dengan hormat, saya sampaikan keluhan tentang", "Assalamualaikum, izin melapor soal", "Lapor, ada"];
export const CLOSINGS = ["Mohon segera ditindaklanjuti. Terima kasih.", "Kami berharap pemerintah provinsi segera turun tangan.", "Mohon perhatiannya, warga sudah resah.", "Terima kasih atas perhatiannya.", ""];

export const INSTRUCTIONS = ["Mohon ditindaklanjuti sesuai kewenangan dan laporkan hasilnya.", "Mohon dicek ke lokasi dan beri tanggapan kepada pelapor.", "Segera koordinasikan dengan UPTD terkait.", "Prioritas: mohon ditangani dalam tenggat SLA."];
export const RESPONSES = ["Tim kami sudah meninjau lokasi dan perbaikan dijadwalkan minggu ini.", "Laporan sudah ditindaklanjuti; petugas telah melakukan perbaikan.", "Terima kasih atas laporannya. Kami sudah berkoordinasi dengan pihak terkait dan masalah telah diselesaikan.", "Sudah dilakukan penanganan sementara; perbaikan permanen masuk anggaran tahun depan."];
export const RETURN_REASONS = ["Bukan kewenangan provinsi; ruas jalan milik kabupaten/kota.", "Lokasi berada di luar wilayah kerja kami.", "Sudah ditangani oleh instansi vertikal."];
export const FOLLOW_UPS = ["Mohon kabar tindak lanjutnya, sampai sekarang belum ada perubahan.", "Ini foto terbaru kondisi di lokasi.", "Terima kasih, sudah ada petugas yang datang.", "Kapan akan diperbaiki?"];
