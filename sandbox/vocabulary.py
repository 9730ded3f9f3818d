"""The words the demo catalogue is built from: course topics, title patterns, providers, syllabus modules.

Each official category has topics as (skill, profession) pairs, so a title pattern can speak of either
("Teknik Dasar {skill}", "Menjadi {job} Profesional"). A few topics carry accents ("Kué", "Café") so that
search and course identity meet accent folding on real-looking text.
"""

from __future__ import annotations

from typing import Final

Topic = tuple[str, str]
"""(skill, profession): "Digital Marketing", "Digital Marketer"."""

TOPICS: Final[dict[str, tuple[Topic, ...]]] = {
    "Penjualan dan Pemasaran": (
        ("Digital Marketing", "Digital Marketer"),
        ("Pemasaran Media Sosial", "Social Media Specialist"),
        ("Copywriting Iklan", "Copywriter"),
        ("Jualan Online di Marketplace", "Pedagang Online"),
        ("Strategi Penjualan Ritel", "Tenaga Penjualan"),
        ("TikTok Marketing", "Konten Kreator"),
        ("Search Engine Optimization (SEO)", "Spesialis SEO"),
        ("Iklan Facebook Ads", "Pengiklan Digital"),
        ("Branding Produk Lokal", "Brand Specialist"),
        ("Live Selling", "Host Live Streaming"),
        ("Layanan Pelanggan", "Customer Service"),
        ("Negosiasi Penjualan", "Juru Pembelian"),
        ("Email Marketing", "Spesialis Pemasaran"),
    ),
    "Teknologi Informasi": (
        ("Pemrograman Python", "Programmer Python"),
        ("Desain Grafis dengan Canva", "Desainer Grafis"),
        ("Adobe Photoshop", "Perancang Grafis"),
        ("Pembuatan Website dengan WordPress", "Pengembang Web"),
        ("Pemrograman JavaScript", "Pengembang Front End"),
        ("Analisis Data dengan Excel", "Analis Data"),
        ("Desain UI/UX", "UI/UX Designer"),
        ("Jaringan Komputer", "Teknisi Jaringan"),
        ("Pemrograman Android dengan Kotlin", "Android Developer"),
        ("Basis Data SQL", "Database Administrator"),
        ("Editing Video dengan Premiere Pro", "Editor Video"),
        ("Keamanan Siber", "Analis Keamanan Siber"),
        ("Animasi 2D", "Animator"),
        ("Data Science", "Data Scientist"),
        ("Cloud Computing", "Cloud Engineer"),
    ),
    "Keuangan": (
        ("Akuntansi Dasar", "Staf Akuntansi"),
        ("Pembukuan Usaha Kecil", "Petugas Pembukuan"),
        ("Perpajakan Brevet A & B", "Konsultan Pajak"),
        ("Perencanaan Keuangan Keluarga", "Perencana Keuangan"),
        ("Investasi Saham", "Analis Investasi"),
        ("Laporan Keuangan dengan Excel", "Staf Keuangan"),
        ("Manajemen Kas UMKM", "Kasir"),
        ("Analisis Kredit", "Analis Kredit"),
        ("Akuntansi dengan MYOB", "Staf Akuntansi"),
        ("Penyusunan Anggaran", "Staf Anggaran"),
    ),
    "Bahasa Asing": (
        ("Bahasa Inggris Percakapan", "Pemandu Wisata"),
        ("Bahasa Inggris Bisnis", "Staf Administrasi"),
        ("Bahasa Jepang Dasar", "Calon Pekerja Migran"),
        ("Bahasa Korea", "Penerjemah"),
        ("Bahasa Mandarin", "Pemandu Wisata"),
        ("Bahasa Arab", "Pembimbing Umrah"),
        ("Bahasa Jerman A1", "Perawat"),
        ("Persiapan TOEFL", "Calon Mahasiswa"),
        ("Bahasa Prancis untuk Pariwisata", "Resepsionis Hotel"),
    ),
    "Gaya Hidup": (
        ("Tata Rias Wajah", "Penata Rias"),
        ("Merias Pengantin", "Perias Pengantin"),
        ("Menjahit Busana Muslim", "Penjahit"),
        ("Tata Rambut", "Penata Rambut"),
        ("Latihan Kebugaran", "Pelatih Kebugaran"),
        ("Nail Art", "Nail Artist"),
        ("Perawatan Kulit Wajah", "Terapis Kecantikan"),
        ("Merangkai Bunga", "Florist"),
        ("Yoga", "Instruktur Yoga"),
        ("Pijat Spa Tradisional", "Terapis Spa"),
    ),
    "Manajemen": (
        ("Manajemen Proyek", "Project Manager"),
        ("Manajemen SDM", "Staf HRD"),
        ("Kepemimpinan Tim", "Supervisor"),
        ("Manajemen Usaha Kecil", "Pemilik Usaha"),
        ("Manajemen Rantai Pasok", "Staf Logistik"),
        ("Perencanaan Bisnis", "Wirausahawan"),
        ("Manajemen Restoran", "Manajer Restoran"),
        ("Agile dan Scrum", "Scrum Master"),
        ("Manajemen Gudang", "Kepala Gudang"),
        ("Manajemen Risiko", "Analis Risiko"),
    ),
    "Perkantoran": (
        ("Microsoft Excel", "Staf Administrasi"),
        ("Microsoft Word", "Tenaga Perkantoran Umum"),
        ("Administrasi Perkantoran", "Staf Administrasi"),
        ("Kesekretarisan", "Sekretaris"),
        ("Pengarsipan Dokumen", "Arsiparis"),
        ("Korespondensi Bisnis", "Staf Korespondensi"),
        ("Microsoft PowerPoint", "Staf Perkantoran"),
        ("Etika Kerja Profesional", "Karyawan Baru"),
        ("Mengetik Cepat 10 Jari", "Juru Ketik"),
    ),
    "Sosial dan Perilaku": (
        ("Public Speaking", "Pembicara Publik"),
        ("Komunikasi Efektif", "Petugas Humas"),
        ("Kecerdasan Emosional", "Pemimpin Tim"),
        ("Manajemen Waktu", "Pekerja Lepas"),
        ("Persiapan Wawancara Kerja", "Pencari Kerja"),
        ("Personal Branding", "Profesional Muda"),
        ("Berpikir Kritis", "Analis Bisnis"),
        ("Pengasuhan Anak", "Pengasuh Anak"),
        ("Pelayanan Prima", "Petugas Layanan"),
    ),
    "Makanan dan Minuman": (
        ("Barista Kopi", "Pramutama Bar"),
        ("Membuat Kué Tradisional", "Pembuat Kué"),
        ("Pembuatan Roti dan Kue Kering", "Pembuat Roti"),
        ("Memasak Masakan Nusantara", "Juru Masak"),
        ("Usaha Katering", "Pengusaha Katering"),
        ("Manajemen Café", "Pemilik Café"),
        ("Dekorasi Kue Ulang Tahun", "Dekorator Kue"),
        ("Minuman Kekinian", "Peracik Minuman"),
        ("Makanan Beku (Frozen Food)", "Pengusaha Makanan Beku"),
        ("Crème Brûlée dan Dessert", "Pastry Chef"),
        ("Keamanan Pangan", "Penjamah Makanan"),
    ),
    "Pertanian": (
        ("Hidroponik", "Petani Hidroponik"),
        ("Budidaya Ikan Lele", "Pembudidaya Ikan"),
        ("Budidaya Jamur Tiram", "Petani Jamur"),
        ("Pertanian Organik", "Petani Organik"),
        ("Budidaya Ayam Petelur", "Peternak Ayam"),
        ("Pembuatan Pupuk Kompos", "Petani"),
        ("Budidaya Kopi Arabika", "Petani Kopi"),
        ("Urban Farming", "Petani Kota"),
    ),
    "Teknik": (
        ("Perawatan Sepeda Motor Injeksi", "Mekanik Sepeda Motor"),
        ("Instalasi Listrik Rumah", "Teknisi Listrik"),
        ("Pengelasan SMAW", "Juru Las"),
        ("Perbaikan AC Split", "Teknisi AC"),
        ("Servis Handphone", "Teknisi Handphone"),
        ("Gambar Teknik dengan AutoCAD", "Drafter"),
        ("Keselamatan dan Kesehatan Kerja (K3)", "Petugas K3"),
        ("Perawatan Mobil", "Mekanik Mobil"),
        ("Instalasi Panel Surya", "Teknisi Panel Surya"),
        ("Pertukangan Kayu", "Tukang Kayu"),
    ),
    "Lainnya": (
        ("Fotografi Ponsel", "Fotografer"),
        ("Videografi Pernikahan", "Videografer"),
        ("Kerajinan Anyaman", "Perajin Anyaman"),
        ("Membuat Sabun Alami", "Perajin Sabun"),
        ("Menyanyi", "Penyanyi"),
        ("Wedding Organizer", "Perencana Acara"),
        ("Kerajinan Kulit", "Perajin Kulit"),
        ("Melukis Cat Air", "Pelukis"),
        ("Menulis Kreatif", "Penulis"),
    ),
}

TITLE_PATTERNS: Final[tuple[str, ...]] = (
    "{skill} untuk Pemula",
    "Teknik Dasar {skill}",
    "{skill} untuk UMKM",
    "Belajar {skill} untuk Menjadi {job}",
    "Mempelajari {skill} bagi {job}",
    "Kursus {skill} Tingkat Lanjut",
    "{skill}: dari Nol sampai Mahir",
    "Praktik Langsung {skill}",
    "Menjadi {job} Profesional",
    "Kelas Intensif {skill}",
    "Sukses Berkarier sebagai {job}",
    "{skill} untuk Usaha Rumahan",
    "Panduan Lengkap {skill}",
    "Sertifikasi {job}",
)

BUNDLE_PATTERNS: Final[tuple[str, ...]] = (
    "Paket Hemat {skill}",
    "Paket Karier Lengkap {job}",
    "Bundling {skill} + Bonus Kelas",
    "Paket {n} Kelas {skill}",
)

# Provider (Lembaga Pelatihan) names: "LKP Bina Karya", "BLK Bekasi", "PT Cipta Prima Edukasi".
PROVIDER_WORDS: Final[tuple[str, ...]] = (
    "Bina", "Karya", "Mandiri", "Cipta", "Sejahtera", "Mulia", "Prima", "Nusantara", "Insan", "Cendekia",
    "Gemilang", "Harapan", "Bangsa", "Terampil", "Kreasi", "Jaya", "Sentosa", "Bakti", "Kencana", "Maju",
    "Utama", "Citra", "Dharma", "Widya", "Abadi", "Lestari", "Persada", "Mitra", "Cahaya", "Pelita",
)
CITIES: Final[tuple[str, ...]] = (
    "Bekasi", "Bandung", "Surakarta", "Semarang", "Medan", "Makassar", "Padang", "Serang", "Kendari", "Ternate",
    "Samarinda", "Banjarmasin", "Pontianak", "Kupang", "Mataram", "Denpasar", "Jayapura", "Sorong", "Lembang",
    "Cirebon", "Tegal", "Malang", "Jember", "Palembang", "Jambi", "Bengkulu", "Ambon", "Manado", "Palu", "Batam",
)
PROVIDER_PATTERNS: Final[tuple[str, ...]] = (
    "LKP {a} {b}",
    "LPK {a} {b}",
    "PT {a} {b} Edukasi",
    "PT {a} Digital Indonesia",
    "{a} {b} Academy",
    "Yayasan {a} {b}",
    "{a} {b} Learning Center",
    "BLK {city}",
    "LKP {a} {city}",
)

MODULE_OPENERS: Final[tuple[str, ...]] = (
    "Pengenalan {skill}",
    "Konsep dasar dan istilah penting",
    "Alat dan bahan yang dibutuhkan",
)
MODULE_CORE: Final[tuple[str, ...]] = (
    "Langkah kerja {skill}",
    "Praktik terbimbing",
    "Studi kasus usaha nyata",
    "Kesalahan umum dan cara menghindarinya",
    "Standar mutu dan keselamatan kerja",
    "Menghitung biaya dan harga jual",
    "Memasarkan hasil kerja",
    "Membangun portofolio {job}",
    "Tips dari praktisi",
)
MODULE_CLOSERS: Final[tuple[str, ...]] = (
    "Proyek akhir",
    "Rangkuman dan evaluasi",
    "Uji keterampilan akhir",
)

AUDIENCES: Final[tuple[str, ...]] = (
    "pencari kerja", "pelaku UMKM", "korban PHK", "lulusan SMA/SMK", "ibu rumah tangga", "karyawan",
    "wirausaha pemula", "pekerja lepas",
)
GOALS: Final[tuple[str, ...]] = (
    "siap bekerja sebagai {job}",
    "membuka usaha sendiri di bidang {skill_lower}",
    "meningkatkan penghasilan lewat {skill_lower}",
    "menguasai {skill_lower} dengan cepat",
)

DEMO_INSTRUCTORS: Final[tuple[str, ...]] = (
    "Rina Kartika", "Budi Santoso", "Dewi Lestari", "Agus Prasetyo", "Siti Rahmawati", "Yusuf Hidayat",
    "Maya Anggraini", "Hendra Wijaya",
)
