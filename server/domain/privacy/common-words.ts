/**
 * Words that are never a person's name on their own in a complaint text, whatever a display
 * name says: a reporter whose channel name is "alert img" or "Info Jalan" must not make the masker
 * hide "alert" or "jalan" in the OPD's answer. They are masked only inside the reporter's full
 * name as a phrase or right after an honorific (pii-names.ts). Also the words that, after "Pak" or
 * "Bu", name a role or a thing rather than a person ("Pak Camat", "ibu kota").
 */
import { INDONESIAN_STOPWORDS } from "../routing/indonesian-text.js";

const words = (s: string) => s.split(/\s+/).filter(Boolean);

/** Frequent English words (a display name is often English or a handle). */
const ENGLISH = words(`
  a about above after again against all also always am an and any are around as at away back be because
  been before being below best better between big both but by call can come could day did do does done down
  each easy even every few find first for free from full get give go good great had has have he her here
  him his home how i if in info into is it its just keep kind know last late left less let life like
  little live long look love made make man many may me more most much must my name near need never new
  news next nice night no not now of off official old on once one only open or other our out over own
  part people place please point real right run said same say see she should show side since small so
  some soon still such sure take tell than thank thanks that the their them then there these they thing
  think this those time to today too try two under until up us use very want was way we well went were
  what when where which while who why will with without work world would year yes yet you young your
  admin alert help hello hope just official real service support team test user guest anonymous unknown
  noname nobody someone citizen public group page channel account report official store shop news media`);

/** Markup, code and web words (display names are free text on social channels). */
const TECHNICAL = words(`
  img image script src href http https www com org net html xml svg div span iframe onerror onload
  javascript null undefined true false nan object alert prompt confirm console window document body
  style class style data url link bot api app web site email mail gmail yahoo facebook instagram twitter
  tiktok whatsapp telegram youtube official`);

/**
 * Frequent Indonesian words of complaints and answers beyond the stopword list (places, services,
 * things), plus roles that follow "Pak"/"Bu" without naming anyone.
 */
const INDONESIAN_COMMON = words(`
  kota kabupaten desa kelurahan kecamatan provinsi kampung dusun gang jl jln blok perumahan komplek pasar
  sekolah kantor dinas badan rumah sakit puskesmas masjid gereja taman pantai sungai jembatan jalan lampu
  air listrik sampah banjir rusak macet parkir bus angkot terminal stasiun bandara pelabuhan tanah lahan
  bantuan layanan pelayanan pengaduan laporan aduan keluhan informasi data surat izin pajak biaya dana
  anak anaknya hamil menyusui lansia warga masyarakat pelapor terlapor penduduk tetangga keluarga saudara
  kos kost toko warung kebun sawah hutan laut gunung bukit kali selokan got drainase trotoar halte
  tolong mohon terima kasih maaf salam hormat selamat pagi siang sore malam hari minggu bulan tahun
  camat lurah kades kadus kepala kadis kabid kasi kasie kasubag kasubbag sekda sekdes sekretaris gubernur
  wagub bupati wabup walikota wali wakil direktur dirut manajer ketua rt rw dokter bidan perawat guru dosen
  polisi satpam petugas pegawai staf staff presiden menteri dewan anggota kapolsek kapolres kapolda
  danramil dandim babinsa kepsek kakanwil hakim jaksa pengacara sopir supir kurir tukang pedagang pemilik
  penjual operator pengurus bendahara kasir koordinator pimpinan atasan bos pejabat kapus kapuskesmas
  kepling kaling mantri penjaga pengelola pengawas pengemudi ojek driver pak bu
  atas bawah depan belakang samping silakan harap segera sabar kesabaran perhatian partisipasi kerjasama
  kerja sama berkenan bersedia menunggu datang pergi pulang hadir`);

const COMMON: ReadonlySet<string> = new Set([...ENGLISH, ...TECHNICAL, ...INDONESIAN_COMMON]);

/** True for a folded (lower-case, unaccented) token that is an ordinary word, never a name by itself. */
export const isCommonWord = (folded: string): boolean => COMMON.has(folded) || INDONESIAN_STOPWORDS.has(folded);
