//! rpm header tag numbers, data types and flag bits (`rpmtag.h`, `rpmds.h`,
//! `rpmfiles.h`). Only the constants this program reads are listed.

#![allow(missing_docs)]

// ---- Data types (`rpmTagType`) -------------------------------------------
pub const RPM_NULL_TYPE: u32 = 0;
pub const RPM_CHAR_TYPE: u32 = 1;
pub const RPM_INT8_TYPE: u32 = 2;
pub const RPM_INT16_TYPE: u32 = 3;
pub const RPM_INT32_TYPE: u32 = 4;
pub const RPM_INT64_TYPE: u32 = 5;
pub const RPM_STRING_TYPE: u32 = 6;
pub const RPM_BIN_TYPE: u32 = 7;
pub const RPM_STRING_ARRAY_TYPE: u32 = 8;
pub const RPM_I18NSTRING_TYPE: u32 = 9;
/// The largest valid type number.
pub const RPM_MAX_TYPE: u32 = 9;

// ---- Header region tags ---------------------------------------------------
pub const RPMTAG_HEADERIMAGE: u32 = 61;
pub const RPMTAG_HEADERSIGNATURES: u32 = 62;
pub const RPMTAG_HEADERIMMUTABLE: u32 = 63;
pub const RPMTAG_HEADERREGIONS: u32 = 64;
pub const RPMTAG_HEADERI18NTABLE: u32 = 100;

// ---- Signature tags (as stored in the main header / rpmdb) ----------------
pub const RPMTAG_SIGSIZE: u32 = 257;
pub const RPMTAG_SIGPGP: u32 = 259;
pub const RPMTAG_SIGMD5: u32 = 261;
pub const RPMTAG_SIGGPG: u32 = 262;
pub const RPMTAG_PUBKEYS: u32 = 266;
pub const RPMTAG_DSAHEADER: u32 = 267;
pub const RPMTAG_RSAHEADER: u32 = 268;
pub const RPMTAG_SHA1HEADER: u32 = 269;
pub const RPMTAG_LONGSIGSIZE: u32 = 270;
pub const RPMTAG_LONGARCHIVESIZE: u32 = 271;
pub const RPMTAG_SHA256HEADER: u32 = 273;
pub const RPMTAG_FILESIGNATURES: u32 = 274;
pub const RPMTAG_FILESIGNATURELENGTH: u32 = 275;
pub const RPMTAG_VERITYSIGNATURES: u32 = 276;
pub const RPMTAG_VERITYSIGNATUREALGO: u32 = 277;
pub const RPMTAG_OPENPGP: u32 = 278;

// ---- Tags of the signature header of a `.rpm` file (`rpmSigTag`) ----------
pub const RPMSIGTAG_SIZE: u32 = 1000;
pub const RPMSIGTAG_LEMD5_1: u32 = 1001;
pub const RPMSIGTAG_PGP: u32 = 1002;
pub const RPMSIGTAG_LEMD5_2: u32 = 1003;
pub const RPMSIGTAG_MD5: u32 = 1004;
pub const RPMSIGTAG_GPG: u32 = 1005;
pub const RPMSIGTAG_PGP5: u32 = 1006;
pub const RPMSIGTAG_PAYLOADSIZE: u32 = 1007;
pub const RPMSIGTAG_RESERVEDSPACE: u32 = 1008;
pub const RPMSIGTAG_DSA: u32 = RPMTAG_DSAHEADER;
pub const RPMSIGTAG_RSA: u32 = RPMTAG_RSAHEADER;
pub const RPMSIGTAG_SHA1: u32 = RPMTAG_SHA1HEADER;
pub const RPMSIGTAG_LONGSIZE: u32 = RPMTAG_LONGSIGSIZE;
pub const RPMSIGTAG_LONGARCHIVESIZE: u32 = RPMTAG_LONGARCHIVESIZE;
pub const RPMSIGTAG_SHA256: u32 = RPMTAG_SHA256HEADER;

// ---- Main header tags -------------------------------------------------------
pub const RPMTAG_NAME: u32 = 1000;
pub const RPMTAG_VERSION: u32 = 1001;
pub const RPMTAG_RELEASE: u32 = 1002;
pub const RPMTAG_EPOCH: u32 = 1003;
pub const RPMTAG_SUMMARY: u32 = 1004;
pub const RPMTAG_DESCRIPTION: u32 = 1005;
pub const RPMTAG_BUILDTIME: u32 = 1006;
pub const RPMTAG_BUILDHOST: u32 = 1007;
pub const RPMTAG_INSTALLTIME: u32 = 1008;
pub const RPMTAG_SIZE: u32 = 1009;
pub const RPMTAG_DISTRIBUTION: u32 = 1010;
pub const RPMTAG_VENDOR: u32 = 1011;
pub const RPMTAG_LICENSE: u32 = 1014;
pub const RPMTAG_PACKAGER: u32 = 1015;
pub const RPMTAG_GROUP: u32 = 1016;
pub const RPMTAG_URL: u32 = 1020;
pub const RPMTAG_OS: u32 = 1021;
pub const RPMTAG_ARCH: u32 = 1022;
pub const RPMTAG_PREIN: u32 = 1023;
pub const RPMTAG_POSTIN: u32 = 1024;
pub const RPMTAG_PREUN: u32 = 1025;
pub const RPMTAG_POSTUN: u32 = 1026;
pub const RPMTAG_OLDFILENAMES: u32 = 1027;
pub const RPMTAG_FILESIZES: u32 = 1028;
pub const RPMTAG_FILESTATES: u32 = 1029;
pub const RPMTAG_FILEMODES: u32 = 1030;
pub const RPMTAG_FILERDEVS: u32 = 1033;
pub const RPMTAG_FILEMTIMES: u32 = 1034;
pub const RPMTAG_FILEDIGESTS: u32 = 1035;
pub const RPMTAG_FILELINKTOS: u32 = 1036;
pub const RPMTAG_FILEFLAGS: u32 = 1037;
pub const RPMTAG_FILEUSERNAME: u32 = 1039;
pub const RPMTAG_FILEGROUPNAME: u32 = 1040;
pub const RPMTAG_SOURCERPM: u32 = 1044;
pub const RPMTAG_FILEVERIFYFLAGS: u32 = 1045;
pub const RPMTAG_ARCHIVESIZE: u32 = 1046;
pub const RPMTAG_PROVIDENAME: u32 = 1047;
pub const RPMTAG_REQUIREFLAGS: u32 = 1048;
pub const RPMTAG_REQUIRENAME: u32 = 1049;
pub const RPMTAG_REQUIREVERSION: u32 = 1050;
pub const RPMTAG_CONFLICTFLAGS: u32 = 1053;
pub const RPMTAG_CONFLICTNAME: u32 = 1054;
pub const RPMTAG_CONFLICTVERSION: u32 = 1055;
pub const RPMTAG_RPMVERSION: u32 = 1064;
pub const RPMTAG_TRIGGERSCRIPTS: u32 = 1065;
pub const RPMTAG_TRIGGERNAME: u32 = 1066;
pub const RPMTAG_TRIGGERVERSION: u32 = 1067;
pub const RPMTAG_TRIGGERFLAGS: u32 = 1068;
pub const RPMTAG_TRIGGERINDEX: u32 = 1069;
pub const RPMTAG_CHANGELOGTIME: u32 = 1080;
pub const RPMTAG_CHANGELOGNAME: u32 = 1081;
pub const RPMTAG_CHANGELOGTEXT: u32 = 1082;
pub const RPMTAG_PREINPROG: u32 = 1085;
pub const RPMTAG_POSTINPROG: u32 = 1086;
pub const RPMTAG_PREUNPROG: u32 = 1087;
pub const RPMTAG_POSTUNPROG: u32 = 1088;
pub const RPMTAG_OBSOLETENAME: u32 = 1090;
pub const RPMTAG_FILEDEVICES: u32 = 1095;
pub const RPMTAG_FILEINODES: u32 = 1096;
pub const RPMTAG_FILELANGS: u32 = 1097;
pub const RPMTAG_PREFIXES: u32 = 1098;
pub const RPMTAG_INSTPREFIXES: u32 = 1099;
pub const RPMTAG_PROVIDEFLAGS: u32 = 1112;
pub const RPMTAG_PROVIDEVERSION: u32 = 1113;
pub const RPMTAG_OBSOLETEFLAGS: u32 = 1114;
pub const RPMTAG_OBSOLETEVERSION: u32 = 1115;
pub const RPMTAG_DIRINDEXES: u32 = 1116;
pub const RPMTAG_BASENAMES: u32 = 1117;
pub const RPMTAG_DIRNAMES: u32 = 1118;
pub const RPMTAG_OPTFLAGS: u32 = 1122;
pub const RPMTAG_PAYLOADFORMAT: u32 = 1124;
pub const RPMTAG_PAYLOADCOMPRESSOR: u32 = 1125;
pub const RPMTAG_PAYLOADFLAGS: u32 = 1126;
pub const RPMTAG_INSTALLCOLOR: u32 = 1127;
pub const RPMTAG_INSTALLTID: u32 = 1128;
pub const RPMTAG_FILECOLORS: u32 = 1140;
pub const RPMTAG_PLATFORM: u32 = 1132;
/// Pre-4.12 weak deps: suggests (weak) and recommends (with RPMSENSE_STRONG).
pub const RPMTAG_OLDSUGGESTSNAME: u32 = 1156;
pub const RPMTAG_OLDSUGGESTSVERSION: u32 = 1157;
pub const RPMTAG_OLDSUGGESTSFLAGS: u32 = 1158;
/// Pre-4.12 weak deps: enhances (weak) and supplements (with RPMSENSE_STRONG).
pub const RPMTAG_OLDENHANCESNAME: u32 = 1159;
pub const RPMTAG_OLDENHANCESVERSION: u32 = 1160;
pub const RPMTAG_OLDENHANCESFLAGS: u32 = 1161;
pub const RPMTAG_FILEDIGESTALGO: u32 = 5011;
pub const RPMTAG_LONGFILESIZES: u32 = 5008;
pub const RPMTAG_LONGSIZE: u32 = 5009;
pub const RPMTAG_FILECAPS: u32 = 5010;
pub const RPMTAG_BUGURL: u32 = 5012;
pub const RPMTAG_ORDERNAME: u32 = 5035;
pub const RPMTAG_ORDERVERSION: u32 = 5036;
pub const RPMTAG_ORDERFLAGS: u32 = 5037;
pub const RPMTAG_RECOMMENDNAME: u32 = 5046;
pub const RPMTAG_RECOMMENDVERSION: u32 = 5047;
pub const RPMTAG_RECOMMENDFLAGS: u32 = 5048;
pub const RPMTAG_SUGGESTNAME: u32 = 5049;
pub const RPMTAG_SUGGESTVERSION: u32 = 5050;
pub const RPMTAG_SUGGESTFLAGS: u32 = 5051;
pub const RPMTAG_SUPPLEMENTNAME: u32 = 5052;
pub const RPMTAG_SUPPLEMENTVERSION: u32 = 5053;
pub const RPMTAG_SUPPLEMENTFLAGS: u32 = 5054;
pub const RPMTAG_ENHANCENAME: u32 = 5055;
pub const RPMTAG_ENHANCEVERSION: u32 = 5056;
pub const RPMTAG_ENHANCEFLAGS: u32 = 5057;
pub const RPMTAG_ENCODING: u32 = 5062;
pub const RPMTAG_PAYLOADDIGEST: u32 = 5092;
pub const RPMTAG_PAYLOADDIGESTALGO: u32 = 5093;
pub const RPMTAG_MODULARITYLABEL: u32 = 5096;

// ---- Dependency flags (`rpmsenseFlags`) -------------------------------------
pub const RPMSENSE_ANY: u32 = 0;
pub const RPMSENSE_LESS: u32 = 1 << 1;
pub const RPMSENSE_GREATER: u32 = 1 << 2;
pub const RPMSENSE_EQUAL: u32 = 1 << 3;
/// The comparison bits.
pub const RPMSENSE_SENSEMASK: u32 = RPMSENSE_LESS | RPMSENSE_GREATER | RPMSENSE_EQUAL;
pub const RPMSENSE_POSTTRANS: u32 = 1 << 5;
pub const RPMSENSE_PREREQ: u32 = 1 << 6;
pub const RPMSENSE_PRETRANS: u32 = 1 << 7;
pub const RPMSENSE_INTERP: u32 = 1 << 8;
pub const RPMSENSE_SCRIPT_PRE: u32 = 1 << 9;
pub const RPMSENSE_SCRIPT_POST: u32 = 1 << 10;
pub const RPMSENSE_SCRIPT_PREUN: u32 = 1 << 11;
pub const RPMSENSE_SCRIPT_POSTUN: u32 = 1 << 12;
pub const RPMSENSE_SCRIPT_VERIFY: u32 = 1 << 13;
pub const RPMSENSE_FIND_REQUIRES: u32 = 1 << 14;
pub const RPMSENSE_FIND_PROVIDES: u32 = 1 << 15;
pub const RPMSENSE_TRIGGERIN: u32 = 1 << 16;
pub const RPMSENSE_TRIGGERUN: u32 = 1 << 17;
pub const RPMSENSE_TRIGGERPOSTUN: u32 = 1 << 18;
pub const RPMSENSE_MISSINGOK: u32 = 1 << 19;
pub const RPMSENSE_RPMLIB: u32 = 1 << 24;
pub const RPMSENSE_TRIGGERPREIN: u32 = 1 << 25;
pub const RPMSENSE_KEYRING: u32 = 1 << 26;
/// Marks a pre-4.12 weak dependency as strong (recommends/supplements).
pub const RPMSENSE_STRONG: u32 = 1 << 27;
pub const RPMSENSE_CONFIG: u32 = 1 << 28;
pub const RPMSENSE_META: u32 = 1 << 29;
/// libsolv's `DEP_PRE_IN`: needed before installing (`Requires(pre/post)`).
pub const DEP_PRE_IN: u32 = RPMSENSE_PREREQ | RPMSENSE_SCRIPT_PRE | RPMSENSE_SCRIPT_POST;
/// libsolv's `DEP_PRE_UN`: needed before erasing (`Requires(preun/postun)`).
pub const DEP_PRE_UN: u32 = RPMSENSE_PREREQ | RPMSENSE_SCRIPT_PREUN | RPMSENSE_SCRIPT_POSTUN;

// ---- File flags (`rpmfileAttrs`) -------------------------------------------
pub const RPMFILE_CONFIG: u32 = 1 << 0;
pub const RPMFILE_DOC: u32 = 1 << 1;
pub const RPMFILE_ICON: u32 = 1 << 2;
pub const RPMFILE_MISSINGOK: u32 = 1 << 3;
pub const RPMFILE_NOREPLACE: u32 = 1 << 4;
pub const RPMFILE_SPECFILE: u32 = 1 << 5;
pub const RPMFILE_GHOST: u32 = 1 << 6;
pub const RPMFILE_LICENSE: u32 = 1 << 7;
pub const RPMFILE_README: u32 = 1 << 8;
pub const RPMFILE_PUBKEY: u32 = 1 << 11;
pub const RPMFILE_ARTIFACT: u32 = 1 << 12;

// ---- File modes (`st_mode`, as stored in FILEMODES) -------------------------
pub const S_IFMT: u32 = 0o170_000;
pub const S_IFDIR: u32 = 0o040_000;
pub const S_IFREG: u32 = 0o100_000;
pub const S_IFLNK: u32 = 0o120_000;

/// Is this FILEMODES value a directory?
pub fn s_isdir(mode: u32) -> bool {
    mode & S_IFMT == S_IFDIR
}

// ---- Scriptlet and trigger tags (appended for transaction::scriptlet) ------
// Numbers from rpm 4.18 `include/rpm/rpmtag.h`; the `*UNTRANS*` ones are rpm
// 4.20's. `RPMTAG_PREIN`..`RPMTAG_POSTUNPROG` and `RPMTAG_TRIGGER*` 1065-1069
// are above.
pub const RPMTAG_TRIGGERSCRIPTPROG: u32 = 1092;
pub const RPMTAG_PRETRANS: u32 = 1151;
pub const RPMTAG_POSTTRANS: u32 = 1152;
pub const RPMTAG_PRETRANSPROG: u32 = 1153;
pub const RPMTAG_POSTTRANSPROG: u32 = 1154;
pub const RPMTAG_PREINFLAGS: u32 = 5020;
pub const RPMTAG_POSTINFLAGS: u32 = 5021;
pub const RPMTAG_PREUNFLAGS: u32 = 5022;
pub const RPMTAG_POSTUNFLAGS: u32 = 5023;
pub const RPMTAG_PRETRANSFLAGS: u32 = 5024;
pub const RPMTAG_POSTTRANSFLAGS: u32 = 5025;
pub const RPMTAG_TRIGGERSCRIPTFLAGS: u32 = 5027;
pub const RPMTAG_FILETRIGGERSCRIPTS: u32 = 5066;
pub const RPMTAG_FILETRIGGERSCRIPTPROG: u32 = 5067;
pub const RPMTAG_FILETRIGGERSCRIPTFLAGS: u32 = 5068;
pub const RPMTAG_FILETRIGGERNAME: u32 = 5069;
pub const RPMTAG_FILETRIGGERINDEX: u32 = 5070;
pub const RPMTAG_FILETRIGGERVERSION: u32 = 5071;
pub const RPMTAG_FILETRIGGERFLAGS: u32 = 5072;
pub const RPMTAG_TRANSFILETRIGGERSCRIPTS: u32 = 5076;
pub const RPMTAG_TRANSFILETRIGGERSCRIPTPROG: u32 = 5077;
pub const RPMTAG_TRANSFILETRIGGERSCRIPTFLAGS: u32 = 5078;
pub const RPMTAG_TRANSFILETRIGGERNAME: u32 = 5079;
pub const RPMTAG_TRANSFILETRIGGERINDEX: u32 = 5080;
pub const RPMTAG_TRANSFILETRIGGERVERSION: u32 = 5081;
pub const RPMTAG_TRANSFILETRIGGERFLAGS: u32 = 5082;
pub const RPMTAG_FILETRIGGERPRIORITIES: u32 = 5084;
pub const RPMTAG_TRANSFILETRIGGERPRIORITIES: u32 = 5085;
pub const RPMTAG_PREUNTRANS: u32 = 5103;
pub const RPMTAG_POSTUNTRANS: u32 = 5104;
pub const RPMTAG_PREUNTRANSPROG: u32 = 5105;
pub const RPMTAG_POSTUNTRANSPROG: u32 = 5106;
pub const RPMTAG_PREUNTRANSFLAGS: u32 = 5107;
pub const RPMTAG_POSTUNTRANSFLAGS: u32 = 5108;

// ---- Scriptlet flags (`rpmscriptFlags`, lib/rpmscript.h) --------------------
/// The body is macro-expanded before it runs (`%post -e`).
pub const RPMSCRIPT_FLAG_EXPAND: u32 = 1 << 0;
/// The body is expanded as a header query format (`%post -q`).
pub const RPMSCRIPT_FLAG_QFORMAT: u32 = 1 << 1;
/// A failure is an error rather than a warning (rpm's default for pre-scripts).
pub const RPMSCRIPT_FLAG_CRITICAL: u32 = 1 << 2;
